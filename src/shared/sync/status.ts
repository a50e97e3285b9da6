/**
 * What the page shows of sync: one state, how much waits to be sent, and when the last full cycle ended. Carried by
 * `api.sync.status`, `api.sync.now` and the `sync.statusChanged` event; never item ids, never patient data.
 */
import { z } from 'zod';

/**
 * `off`: no sync server in the policy, or nobody signed in. `synced`: the last push + pull cycle finished with
 * nothing left to send. `syncing`: a cycle is running. `offline`: the server cannot be reached; work goes on and is
 * sent later. `error`: the server refused (signed out elsewhere, profile removed, protocol mismatch).
 */
export const SyncState = z.enum(['off', 'synced', 'syncing', 'offline', 'error']);
/** @see SyncState */
export type SyncState = z.infer<typeof SyncState>;

/** The sync status line. */
export const SyncStatus = z.strictObject({
  state: SyncState,
  /** Items sealed here and not yet accepted by the server (records, session keys, deletions). */
  pending: z.number().int().min(0),
  /** When the last full cycle ended (ISO 8601), null if none has since start-up. */
  lastSyncedAt: z.iso.datetime().nullable(),
  /** A short sentence for people when offline or in error (never patient data), otherwise null. */
  message: z.string().max(200).nullable(),
});
/** @see SyncStatus */
export type SyncStatus = z.infer<typeof SyncStatus>;

/** The status while sync is off. */
export const SYNC_OFF: SyncStatus = { state: 'off', pending: 0, lastSyncedAt: null, message: null };
