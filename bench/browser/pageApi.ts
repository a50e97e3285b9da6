/**
 * What the benchmark's page bundle (`page/storeBenchPage.ts`, injected as an init script) offers the Node side, and
 * what it answers. Types only, shared by both sides: nothing here touches the DOM or Node.
 */
import type { Patient } from '../../src/shared/patient';
import type { SealedRecord } from '../../src/shared/vault';

/** Name of the global the page bundle installs (`window.__cpaStoreBench`). */
export const PAGE_GLOBAL = '__cpaStoreBench';

/** Name of the plain-Dexie comparison database, beside the app's `ClinicHistory` in the same origin. */
export const PLAIN_DB_NAME = 'BenchPlainDexie';

/** One turn through `window.api.protocol.generate`, with both sides' storage times for its records. */
export interface TurnTiming {
  /**
   * Ours: for each delivery of the turn (the clinician's message before the model is asked, then the outcome),
   * from the first record's arrival in the page to the last record's acknowledgement leaving it, summed.
   */
  readonly oursMs: number;
  /** Ours, the first delivery only (main waits for it before asking the model). */
  readonly oursBeginMs: number;
  /** Plain Dexie: the same records, one `put` per record (one transaction each), same batches, summed. */
  readonly plainMs: number;
  readonly plainBeginMs: number;
  /**
   * Diagnostic: the app's store alone — `putRecords([record])` per record, same batches, called directly (no bridge,
   * no sync queue, no acknowledgement, no UI) — rewriting the same records (an idempotent upsert).
   */
  readonly storeMs: number;
  /** Records main delivered for the turn (4: session + turn, twice). */
  readonly records: number;
  /** The whole `generate` call as the page saw it. */
  readonly generateMs: number;
}

/**
 * Turns driven through the app: without `sessionId` the first message opens a session with the patient, the rest
 * follow up; with it, every message follows up in that session.
 */
export interface RunTurnsInput {
  readonly sessionId?: string;
  readonly patient: Patient;
  readonly messages: readonly string[];
}

export interface RunTurnsOutput {
  readonly sessionId: string;
  readonly ownerId: string;
  readonly turns: readonly TurnTiming[];
  /** Anything that did not go as planned (a failed call, a record not stored): reported, never hidden. */
  readonly problems: readonly string[];
}

/** Bulk population: rows shaped like a real session's (the template), with new ids and fresh random payload bytes. */
export interface PopulateInput {
  /** Session records sealed by main (see sealedPopulation.ts), and their turn records. */
  readonly sessionRecords: readonly SealedRecord[];
  readonly turnRecords: readonly SealedRecord[];
  /** Even: ours writes first; odd: plain first. */
  readonly batchIndex: number;
}

export interface PopulateOutput {
  /** Time to write the batch into our store (`putRecords`, validated, strict durability). */
  readonly oursMs: number;
  /** Time to write it into the plain database (`bulkPut`). */
  readonly plainMs: number;
}

/** Repeated measurements of the same work on both sides, alternating which side goes first. */
export interface PairedTimings {
  readonly oursMs: readonly number[];
  /** The IndexedDB part of each `oursMs` (the rest is `vault.open`, the round trip to main). */
  readonly oursReadMs: readonly number[];
  readonly plainMs: readonly number[];
  /** Rows each side read per repetition (the same on both sides, or a problem is listed). */
  readonly rows: number;
  readonly problems: readonly string[];
}

export interface OpenSessionInput {
  readonly sessionId: string;
  readonly repetitions: number;
  readonly warmup: number;
}

export interface ListInput {
  readonly ownerId: string;
  readonly limit: number;
  readonly repetitions: number;
  readonly warmup: number;
}

/** The longest main-thread block while the list loads and its titles are opened. */
export interface MainThreadOutput {
  /** Longest `longtask` entry (tasks of 50 ms or more), 0 when none was reported. */
  readonly longestLongTaskMs: number;
  readonly longTasks: number;
  readonly longtaskSupported: boolean;
  /** Longest gap between two turns of a MessageChannel ping loop: an upper bound on the longest task, any length. */
  readonly longestGapMs: number;
  readonly loads: number;
  readonly problems: readonly string[];
}

/** The app's own sessions list, loading after an unlock. */
export interface SidebarInput {
  readonly profileId: string;
  readonly passphrase: string;
  readonly repetitions: number;
  /** How long to wait for the list's `vault.open` after an unlock before deciding the app has no list. */
  readonly listWaitMs: number;
}

export interface SidebarOutput extends MainThreadOutput {
  /** False when no `vault.open` followed the unlock: the app has no list that loads then (see mainThreadWhileListing). */
  readonly listSeen: boolean;
  /** Records the list's `vault.open` calls carried, per load. */
  readonly openedRecords: readonly number[];
}

export interface UnlockInput {
  readonly profileId: string;
  readonly passphrase: string;
  readonly repetitions: number;
}

export interface UnlockOutput {
  readonly unlockMs: readonly number[];
  readonly problems: readonly string[];
}

export interface SweepInput {
  /** Sessions per transaction, both sides (`deleteSessions`' default). */
  readonly batchSize: number;
}

export interface SweepOutput {
  readonly sessions: number;
  readonly oursMs: number;
  readonly plainMs: number;
  readonly oursTurns: number;
  readonly plainTurns: number;
  readonly problems: readonly string[];
}

/**
 * Main's search index over the clinician's history: the rows of `sessionIds` (paged with `sessionsPage` as the app's
 * indexing pass pages, then `turnsOf` per session) handed to `api.vault.open` in batches of ≤ 500, timed against plain
 * Dexie reading the same rows; then `api.vault.search` once per query on the built index.
 */
export interface SearchIndexInput {
  readonly ownerId: string;
  /** The clinician to lock and unlock: each timed build is the app's own pass after an unlock. */
  readonly profileId: string;
  readonly passphrase: string;
  readonly repetitions: number;
  readonly warmup: number;
  /** One-word queries, one `vault.search` each. */
  readonly queries: readonly string[];
}

export interface SearchIndexOutput {
  /** From the unlock's answer to main's answer to the pass's last `vault.index` call, per build. */
  readonly oursMs: readonly number[];
  /** Plain Dexie reading the same rows, per build. */
  readonly plainMs: readonly number[];
  /** Rows the pass hands to main (and plain reads). */
  readonly rows: number;
  readonly problems: readonly string[];
  /** Records of each `vault.index` call of the last build. */
  readonly batchRecords: readonly number[];
  /** When each of those calls left the page and was answered, in ms after the unlock's answer. */
  readonly timeline: readonly { readonly sentMs: number; readonly answeredMs: number }[];
  /** How long the page waited for earlier passes to go quiet first. */
  readonly appPassWaitMs: number;
  /** Round trip of each `vault.search`, in query order; their hit counts; the index's size in the last answer. */
  readonly searchMs: readonly number[];
  readonly searchHits: readonly number[];
  readonly indexedSessions: number;
}

/** The page bundle's functions, called with `page.evaluate`. */
export interface StoreBenchPage {
  /** Opens both databases; resolves once they are open. */
  ready(): Promise<{ ok: true }>;
  runTurns(input: RunTurnsInput): Promise<RunTurnsOutput>;
  /** Waits until the app has made no `vault.open`/`vault.index` call for `quietMs` (an indexing pass ended). */
  quiet(input: { quietMs: number; timeoutMs: number }): Promise<{ waitedMs: number }>;
  populate(input: PopulateInput): Promise<PopulateOutput>;
  openSession(input: OpenSessionInput): Promise<PairedTimings>;
  listFirstPage(input: ListInput): Promise<PairedTimings>;
  mainThreadWhileListing(input: ListInput): Promise<MainThreadOutput>;
  mainThreadWhileSidebarLoads(input: SidebarInput): Promise<SidebarOutput>;
  unlock(input: UnlockInput): Promise<UnlockOutput>;
  sweep(input: SweepInput): Promise<SweepOutput>;
  searchIndex(input: SearchIndexInput): Promise<SearchIndexOutput>;
  /** Rows in each side's tables, for the notes. */
  counts(): Promise<{ ours: { sessions: number; turns: number }; plain: { sessions: number; turns: number } }>;
}
