import { z } from 'zod';
import { SessionId } from './ids';

/** Version of the sealed payload format; bound into every record's additional data. */
export const PAYLOAD_FORMAT_VERSION = 1;

/** Largest ciphertext accepted over IPC (base64 characters): a turn with a long answer fits many times over. */
const MAX_CIPHERTEXT = 1_000_000;

const RecordId = z.uuid({ version: 'v4', error: 'record id must be a UUID v4' });
const Base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });

/**
 * A record as the renderer stores it in IndexedDB: plaintext ids, owner, times, counts and status only — never
 * patient data — and the payload sealed by main (AES-256-GCM; the additional data binds id, session id, owner,
 * kind and format version, so a payload moved to another record or owner does not open).
 */
export const SealedRecord = z.strictObject({
  id: RecordId,
  kind: z.enum(['session', 'turn']),
  sessionId: SessionId,
  ownerId: z.string().min(1).max(64),
  /** 1-based position of a turn in its session; 0 for the session record. */
  seq: z.number().int().nonnegative(),
  /** The turn this one answers again (a regenerated answer is a sibling), or null. */
  parentTurnId: RecordId.nullable(),
  /** `pending` while the answer streams (the clinician's message is already kept), then the outcome. */
  status: z.enum(['pending', 'complete', 'incomplete', 'error']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  v: z.literal(PAYLOAD_FORMAT_VERSION),
  /** 96-bit IV, base64. */
  iv: Base64(16),
  /** Ciphertext with its 128-bit tag, base64. */
  ct: Base64(MAX_CIPHERTEXT),
});
/** @see SealedRecord */
export type SealedRecord = z.infer<typeof SealedRecord>;
