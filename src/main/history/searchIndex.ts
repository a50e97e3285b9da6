/**
 * A match: the session and a short excerpt of the text that matched — not the title, which the list shows already
 * (empty when only the title matched) — for the clinician's own screen only.
 */
export interface SearchHit {
  readonly sessionId: string;
  readonly snippet: string;
}

const WORD = /[\p{L}\p{N}]+/gu;
const SNIPPET_RADIUS = 60;

// A number is a word of its own ("3" in "3 years"): kept though short, and matched whole — "3" is not "30".
const NUMBER = /^\p{N}+$/u;

function words(text: string): string[] {
  return (text.toLocaleLowerCase().match(WORD) ?? []).filter((word) => word.length > 1 || NUMBER.test(word));
}

/** A query term matches a word it starts — a number only the same number. */
function matchesTerm(word: string, term: string): boolean {
  return NUMBER.test(term) ? word === term : word.startsWith(term);
}

/**
 * The in-memory search index of the unlocked clinician's history, built from records main opened after unlock.
 * It lives in main's memory only — never written to disk — and is dropped on lock. Prefix matching on whole
 * words (a number matches only itself), all query words must match (in any text of the session).
 */
export class SearchIndex {
  /** word → sessions containing it. */
  readonly #postings = new Map<string, Set<string>>();
  /** session → its texts, for snippets (a set: re-adding what is indexed is the common case, after every open). */
  readonly #texts = new Map<string, Set<string>>();
  /** session → the texts that are its title (searched, but never an excerpt: the list shows the title). */
  readonly #titles = new Map<string, Set<string>>();

  /**
   * Adds texts of a session (a title, a message, an answer, a patient detail). Adding the same text twice is harmless.
   * `title`: the text is the session's title.
   */
  add(sessionId: string, text: string, options: { title?: boolean } = {}): void {
    if (!text) return;
    if (options.title) {
      let titles = this.#titles.get(sessionId);
      if (!titles) this.#titles.set(sessionId, (titles = new Set()));
      titles.add(text);
    }
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
    this.#titles.delete(sessionId);
    for (const sessions of this.#postings.values()) sessions.delete(sessionId);
  }

  /** Sessions matching every word of `query` (each as a word prefix), at most `limit`. */
  search(query: string, limit = 50): SearchHit[] {
    const terms = words(query);
    if (terms.length === 0) return [];
    let matches: string[] | null = null;
    for (const term of terms) {
      const sessions = new Set<string>();
      for (const [word, ids] of this.#postings) if (matchesTerm(word, term)) for (const id of ids) sessions.add(id);
      matches = matches === null ? [...sessions] : matches.filter((id) => sessions.has(id));
      if (matches.length === 0) return [];
    }
    return (matches ?? []).slice(0, limit).map((sessionId) => ({ sessionId, snippet: this.#snippet(sessionId, terms) }));
  }

  /** Drops everything (lock). */
  clear(): void {
    this.#postings.clear();
    this.#texts.clear();
    this.#titles.clear();
  }

  get sessionCount(): number {
    return this.#texts.size;
  }

  /**
   * The excerpt for a hit: of the session's texts other than its title, the one holding the most query terms (as word
   * prefixes; the first such text on a tie), cut around its first matching word.
   */
  #snippet(sessionId: string, terms: readonly string[]): string {
    const titles = this.#titles.get(sessionId);
    let best: { text: string; count: number; at: number } | null = null;
    for (const text of this.#texts.get(sessionId) ?? []) {
      if (titles?.has(text)) continue;
      const found = matchingWords(text, terms);
      if (found.count > 0 && (best === null || found.count > best.count)) best = { text, count: found.count, at: found.at };
    }
    if (best === null) return '';
    const { text, at } = best;
    const start = Math.max(0, at - SNIPPET_RADIUS);
    const end = Math.min(text.length, at + SNIPPET_RADIUS * 2);
    return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  }
}

/** How many of `terms` start a word of `text`, and where the first matching word starts (-1: none). */
function matchingWords(text: string, terms: readonly string[]): { count: number; at: number } {
  const matched = new Set<string>();
  let at = -1;
  for (const match of text.matchAll(WORD)) {
    const word = match[0].toLocaleLowerCase();
    for (const term of terms) {
      if (!matchesTerm(word, term)) continue;
      matched.add(term);
      if (at < 0) at = match.index;
    }
  }
  return { count: matched.size, at };
}
