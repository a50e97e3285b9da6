/**
 * Local analytics computed by main from the metadata of the clinician's own turns: numbers only, never patient
 * text, kept in main's memory beside the search index and dropped on lock (`api.vault.analytics`).
 */
import { z } from 'zod';

const Count = z.number().int().nonnegative();

/** Output of `api.vault.analytics`: figures that need a turn's sealed metadata. */
export const MetadataAnalytics = z.strictObject({
  /** Sessions with at least one answered turn among the records main has opened or sealed since unlock. */
  sessions: Count,
  /** Answered turns (with metadata) those figures cover; regenerated answers count separately. */
  answeredTurns: Count,
  /** Inference time in milliseconds over those turns; null when there is none. */
  inferenceMs: z.strictObject({ median: z.number().nonnegative(), p95: z.number().nonnegative() }).nullable(),
  /** Answered turns whose prompt left older turns out to fit the model's context. */
  trimmedTurns: Count,
});
/** @see MetadataAnalytics */
export type MetadataAnalytics = z.infer<typeof MetadataAnalytics>;
