import type { MetadataAnalytics as MetadataAnalyticsOutput } from '../../shared/analytics';
import type { TurnMetadata } from '../../shared/protocol';
import { median, nearestRank } from './percentiles';

/** What one answered turn contributes: numbers and a flag, never its text. */
interface TurnSample {
  readonly sessionId: string;
  readonly inferenceTimeMs: number;
  readonly historyTrimmed: boolean;
}

/**
 * Per-clinician figures that need a turn's sealed metadata (inference time, trimmed history), gathered in main's
 * memory from every turn record main opens (`vault.open`, the page's `vault.index` pass after unlock) or seals.
 *
 * Samples are kept by record id, so the same record seen again (every open, every index pass, a pending turn later
 * completed under the same id) replaces itself instead of counting twice. Numbers only — no patient text — and still
 * dropped on lock with the search index: they describe one clinician's work and are rebuilt at the next unlock.
 */
export class MetadataAnalytics {
  /** owner → turn record id → sample. */
  readonly #byOwner = new Map<string, Map<string, TurnSample>>();

  /** Notes a turn record's metadata (null while the answer is pending: nothing to count yet). */
  note(ownerId: string, recordId: string, sessionId: string, metadata: TurnMetadata | null): void {
    if (metadata === null) return;
    let samples = this.#byOwner.get(ownerId);
    if (!samples) this.#byOwner.set(ownerId, (samples = new Map()));
    samples.set(recordId, { sessionId, inferenceTimeMs: metadata.inferenceTimeMs, historyTrimmed: metadata.historyTrimmed });
  }

  /** Forgets a session's turns (deleted). */
  removeSession(sessionId: string): void {
    for (const samples of this.#byOwner.values()) {
      for (const [recordId, sample] of samples) if (sample.sessionId === sessionId) samples.delete(recordId);
    }
  }

  /** The figures for `ownerId`'s turns seen so far (the history counts come from `HistoryMemory`). */
  summary(ownerId: string): Omit<MetadataAnalyticsOutput, 'history'> {
    const samples = [...(this.#byOwner.get(ownerId)?.values() ?? [])];
    const times = samples.map((sample) => sample.inferenceTimeMs).sort((a, b) => a - b);
    return {
      sessions: new Set(samples.map((sample) => sample.sessionId)).size,
      answeredTurns: samples.length,
      inferenceMs: times.length === 0 ? null : { median: median(times), p95: nearestRank(times, 95) },
      trimmedTurns: samples.filter((sample) => sample.historyTrimmed).length,
    };
  }

  /** Drops everything (lock). */
  clear(): void {
    this.#byOwner.clear();
  }
}
