import type { MetadataAnalytics as MetadataAnalyticsOutput } from '../../shared/analytics';
import { computeHistoryAnalytics, type SessionFacts, type TurnFacts } from '../../shared/historyAnalytics';
import { recordVersionOf, type ManifestEntry, type SealedRecord, type SessionPayload, type TurnPayload } from '../../shared/vault';
import { MetadataAnalytics } from '../analytics/metadataAnalytics';
import { patientSearchTexts } from './patientSearchTexts';
import { SearchIndex, type SearchHit } from './searchIndex';

/** The newest manifest main has seen for a session: the session record's counter and its turn records. */
export interface KnownManifest {
  readonly sessionRv: number;
  readonly turns: ReadonlyMap<string, ManifestEntry>;
}

/** A record's header fields the figures use, with the version that put them there. */
interface Versioned<T> {
  readonly facts: T;
  readonly rv: number;
  readonly updatedAt: string;
}

/** What main knows of one clinician's history while they are signed in. */
class OwnerMemory {
  readonly index = new SearchIndex();
  readonly metadata = new MetadataAnalytics();
  readonly sessions = new Map<string, Versioned<SessionFacts>>();
  readonly turns = new Map<string, Versioned<TurnFacts>>();
  readonly manifests = new Map<string, KnownManifest>();
}

/** True when a record (version `rv`, `updatedAt`) is at least as new as what is kept. */
function atLeastAsNew(kept: { rv: number; updatedAt: string } | undefined, rv: number, updatedAt: string): boolean {
  return kept === undefined || rv > kept.rv || (rv === kept.rv && updatedAt >= kept.updatedAt);
}

/**
 * Everything main derives from the records it opened or sealed while a clinician is signed in — the search index,
 * the figures for analytics (from authenticated headers and turn metadata), and the newest manifest of each session
 * (to spot an older copy of a turn) — kept apart per clinician, so one clinician's search can never reach another's
 * history.
 *
 * Plaintext lives here (the index holds titles, messages, answers and patient details): main drops all of it when the profile locks
 * ({@link clear}) and a session's share when it is deleted or shredded ({@link forgetSession}). Never written to
 * disk.
 */
export class HistoryMemory {
  readonly #owners = new Map<string, OwnerMemory>();

  /**
   * Notes a record main has just opened (authenticated) or sealed, with its payload. Call only with records whose
   * header main authenticated (format v2) or sealed itself; a v1 header is trusted as main wrote it then.
   *
   * A session record's manifest is taken as the newest known only when `manifest` is true: for a record main opened
   * from the page's store, or one the page confirmed it stored — never for one merely sealed, which the page may
   * never store (it crashed, its disk was full), or an older copy it does hold would read as rolled back.
   */
  note(ownerId: string, record: SealedRecord, payload: SessionPayload | TurnPayload, options: { manifest: boolean } = { manifest: true }): void {
    const memory = this.#memoryOf(ownerId);
    const rv = recordVersionOf(record);
    if (record.kind === 'session') {
      const session = payload as SessionPayload;
      memory.index.add(record.sessionId, session.title, { title: true });
      for (const text of patientSearchTexts(session.patient)) memory.index.add(record.sessionId, text);
      if (atLeastAsNew(memory.sessions.get(record.sessionId), rv, record.updatedAt)) {
        memory.sessions.set(record.sessionId, { facts: { id: record.sessionId, createdAt: record.createdAt }, rv, updatedAt: record.updatedAt });
      }
      const known = memory.manifests.get(record.sessionId);
      if (options.manifest && session.turns && (known === undefined || rv > known.sessionRv)) {
        memory.manifests.set(record.sessionId, { sessionRv: rv, turns: new Map(session.turns.map((entry) => [entry.id, entry])) });
      }
      return;
    }
    const turn = payload as TurnPayload;
    memory.index.add(record.sessionId, turn.userText);
    memory.index.add(record.sessionId, turn.answerText);
    memory.metadata.note(ownerId, record.id, record.sessionId, turn.metadata);
    if (atLeastAsNew(memory.turns.get(record.id), rv, record.updatedAt)) {
      const facts: TurnFacts = { id: record.id, sessionId: record.sessionId, seq: record.seq, createdAt: record.createdAt, parentTurnId: record.parentTurnId };
      memory.turns.set(record.id, { facts, rv, updatedAt: record.updatedAt });
    }
  }

  /** `ownerId`'s sessions matching `query`, and how many sessions their index covers. */
  search(ownerId: string, query: string): { hits: SearchHit[]; indexedSessions: number } {
    const memory = this.#owners.get(ownerId);
    return { hits: memory?.index.search(query) ?? [], indexedSessions: memory?.index.sessionCount ?? 0 };
  }

  /** `ownerId`'s figures: turn metadata and history counts, from what main opened or sealed since sign-in. */
  analytics(ownerId: string): MetadataAnalyticsOutput {
    const memory = this.#memoryOf(ownerId);
    const history = computeHistoryAnalytics(
      [...memory.sessions.values()].map((kept) => kept.facts),
      [...memory.turns.values()].map((kept) => kept.facts),
    );
    return { ...memory.metadata.summary(ownerId), history };
  }

  /** The newest manifest seen for `sessionId` of `ownerId`, or null (none opened yet, or a format-v1 session). */
  knownManifest(ownerId: string, sessionId: string): KnownManifest | null {
    return this.#owners.get(ownerId)?.manifests.get(sessionId) ?? null;
  }

  /** Forgets everything derived from a session (deleted, or shredded by retention), whoever owns it. */
  forgetSession(sessionId: string): void {
    for (const memory of this.#owners.values()) {
      memory.index.remove(sessionId);
      memory.metadata.removeSession(sessionId);
      memory.sessions.delete(sessionId);
      memory.manifests.delete(sessionId);
      for (const [id, kept] of memory.turns) if (kept.facts.sessionId === sessionId) memory.turns.delete(id);
    }
  }

  /** Drops everything (the profile locked, or another clinician signed in). */
  clear(): void {
    this.#owners.clear();
  }

  #memoryOf(ownerId: string): OwnerMemory {
    let memory = this.#owners.get(ownerId);
    if (!memory) this.#owners.set(ownerId, (memory = new OwnerMemory()));
    return memory;
  }
}
