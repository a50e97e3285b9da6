/** A match: the session and a short excerpt around the first hit, for the clinician's own screen only. */
export interface SearchHit {
  readonly sessionId: string;
  readonly snippet: string;
}

const WORD = /[\p{L}\p{N}]+/gu;
const SNIPPET_RADIUS = 60;

function words(text: string): string[] {
  return (text.toLocaleLowerCase().match(WORD) ?? []).filter((word) => word.length > 1);
}

/**
 * The in-memory search index of the unlocked clinician's history, built from records main opened after unlock.
 * It lives in main's memory only — never written to disk — and is dropped on lock. Prefix matching on whole
 * words, all query words must match (in any text of the session).
 */
export class SearchIndex {
  /** word → sessions containing it. */
  readonly #postings = new Map<string, Set<string>>();
  /** session → its texts, for snippets (a set: re-adding what is indexed is the common case, after every open). */
  readonly #texts = new Map<string, Set<string>>();

  /** Adds texts of a session (a title, a message, an answer). Adding the same text twice is harmless. */
  add(sessionId: string, text: string): void {
    if (!text) return;
    let texts = this.#texts.get(sessionId);
    if (!texts) this.#texts.set(sessionId, (texts = new Set()));
    if (texts.has(text)) return;
    texts.add(text);
    for (const word of words(text)) {
      let sessions = this.#postings.get(word);
      if (!sessions) this.#postings.set(word, (sessions = new Set()));
      sessions.add(sessionId);
    }
  }

  /** Forgets a session (deleted, shredded). */
  remove(sessionId: string): void {
    this.#texts.delete(sessionId);
    for (const sessions of this.#postings.values()) sessions.delete(sessionId);
  }

  /** Sessions matching every word of `query` (each as a word prefix), at most `limit`. */
  search(query: string, limit = 50): SearchHit[] {
    const terms = words(query);
    if (terms.length === 0) return [];
    let matches: string[] | null = null;
    for (const term of terms) {
      const sessions = new Set<string>();
      for (const [word, ids] of this.#postings) if (word.startsWith(term)) for (const id of ids) sessions.add(id);
      matches = matches === null ? [...sessions] : matches.filter((id) => sessions.has(id));
      if (matches.length === 0) return [];
    }
    const first = terms[0] as string;
    return (matches ?? []).slice(0, limit).map((sessionId) => ({ sessionId, snippet: this.#snippet(sessionId, first) }));
  }

  /** Drops everything (lock). */
  clear(): void {
    this.#postings.clear();
    this.#texts.clear();
  }

  get sessionCount(): number {
    return this.#texts.size;
  }

  #snippet(sessionId: string, term: string): string {
    for (const text of this.#texts.get(sessionId) ?? []) {
      const at = text.toLocaleLowerCase().indexOf(term);
      if (at < 0) continue;
      const start = Math.max(0, at - SNIPPET_RADIUS);
      const end = Math.min(text.length, at + term.length + SNIPPET_RADIUS);
      return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
    }
    return '';
  }
}
