/**
 * Local analytics computed by main from the metadata of the clinician's own turns: numbers only, never patient
 * text, kept in main's memory beside the search index and dropped on lock (`api.vault.analytics`).
 */
import { z } from 'zod';

const Count = z.number().int().nonnegative();

/**
 * Figures from the authenticated headers of the clinician's records (see `computeHistoryAnalytics` in
 * historyAnalytics.ts): what the analytics screen charts.
 */
export const HistoryAnalyticsSchema = z.strictObject({
  sessions: Count,
  turns: Count,
  sessionsPerDay: z.array(z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), count: Count })),
  turnsPerSession: z.strictObject({
    mean: z.number().nonnegative().nullable(),
    distribution: z.array(z.strictObject({ bucket: z.enum(['1', '2', '3', '4', '5+']), count: Count })),
  }),
  oneTurnSessions: Count,
  turnsByHour: z.array(Count).length(24),
  peakHours: z.array(z.number().int().min(0).max(23)),
  regenerations: Count,
});

/** Output of `api.vault.analytics`: figures main computes from what it opened or sealed since unlock. */
export const MetadataAnalytics = z.strictObject({
  /** Sessions with at least one answered turn among the records main has opened or sealed since unlock. */
  sessions: Count,
  /** Answered turns (with metadata) those figures cover; regenerated answers count separately. */
  answeredTurns: Count,
  /** Inference time in milliseconds over those turns; null when there is none. */
  inferenceMs: z.strictObject({ median: z.number().nonnegative(), p95: z.number().nonnegative() }).nullable(),
  /** Answered turns whose prompt left older turns out to fit the model's context. */
  trimmedTurns: Count,
  /** Sessions, turns, days and hours, from the authenticated headers of the same records. */
  history: HistoryAnalyticsSchema,
});
/** @see MetadataAnalytics */
export type MetadataAnalytics = z.infer<typeof MetadataAnalytics>;
