import { z } from 'zod';

/** RFC 4122 version 4, variant 1, lower or upper case hex. Main mints these with `crypto.randomUUID()`. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A session id: a UUID v4 minted by main, never by the caller. */
export const SessionId = z
  .string({ error: 'sessionId must be a string' })
  .regex(UUID_V4, { error: 'sessionId is not a well-formed session id (UUID v4 expected)' })
  .transform((id) => id.toLowerCase());
/** @see SessionId */
export type SessionId = z.output<typeof SessionId>;

/** A turn id: a UUID v4 minted by main. */
export const TurnId = z
  .string({ error: 'turnId must be a string' })
  .regex(UUID_V4, { error: 'turnId is not a well-formed turn id (UUID v4 expected)' })
  .transform((id) => id.toLowerCase());
/** @see TurnId */
export type TurnId = z.output<typeof TurnId>;

/** True when `value` is a UUID v4 string. */
export function isUuidV4(value: string): boolean {
  return UUID_V4.test(value);
}
