import { z } from 'zod';
import { AuditError } from './auditError';

/**
 * Every action the audit log records (check 25). Closed: an action not listed here is refused, so the log's
 * vocabulary only grows by a code change someone reviews.
 */
export const AUDIT_ACTIONS = [
  'profile.created',
  'profile.removed',
  'profile.recovered',
  'auth.unlocked',
  'auth.unlock_failed',
  'auth.locked',
  'auth.auto_logoff',
  'session.created',
  'session.opened',
  'session.resumed',
  'session.deleted',
  'vault.searched',
  'vault.indexed',
  'session.exported',
  'retention.shredded',
  'vault.decrypt_failed',
  'audit.clock_jump',
] as const;

/** Schema of an audit action. */
export const AuditAction = z.enum(AUDIT_ACTIONS, { error: 'action is not a known audit action' });
/** One of {@link AUDIT_ACTIONS}. */
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * An id as the log stores it: a UUID (what main mints with `crypto.randomUUID()`) or an opaque hex token of
 * 16–128 digits (a digest, a random handle), lower case. Hex cannot spell a name or a diagnosis, so whatever
 * passes this cannot carry patient text.
 */
export const AUDIT_ID_PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,128})$/;

/** Largest count recorded; beyond it a number stops being exact in JSON. */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** An id from a caller: as {@link AUDIT_ID_PATTERN}, any case, stored lower case. */
const AuditIdInput = (field: string) =>
  z
    .string({ error: `${field} must be an id` })
    .max(128, { error: `${field} is not an id (UUID or hex token expected)` })
    .transform((id) => id.toLowerCase())
    .refine((id) => AUDIT_ID_PATTERN.test(id), { error: `${field} is not an id (UUID or hex token expected)` });

/** A count from a caller: a non-negative integer. */
const CountInput = z
  .number({ error: 'count must be a number' })
  .int({ error: 'count must be a whole number' })
  .min(0, { error: 'count must not be negative' })
  .max(MAX_COUNT, { error: 'count is too large' });

/**
 * What a caller may say about an event — and nothing else. The object is strict (no extra fields), every value
 * is an enum member, an id or a number, so no free text can reach the log through this API. Time, sequence
 * number and MAC are added by the log itself.
 */
export const AuditEventInput = z
  .strictObject(
    {
      action: AuditAction,
      profileId: AuditIdInput('profileId').nullable().optional(),
      objectId: AuditIdInput('objectId').nullable().optional(),
      count: CountInput.nullable().optional(),
    },
    { error: 'an audit event must be an object with action, profileId, objectId and count only' },
  )
  .transform((event) => ({
    action: event.action,
    profileId: event.profileId ?? null,
    objectId: event.objectId ?? null,
    count: event.count ?? null,
  }))
  .superRefine((event, ctx) => {
    // Retention is audited by count only: which sessions were shredded is exactly what retention forgets.
    if (event.action === 'retention.shredded') {
      if (event.count === null) ctx.addIssue({ code: 'custom', path: ['count'], message: 'retention.shredded needs a count' });
      if (event.objectId !== null) ctx.addIssue({ code: 'custom', path: ['objectId'], message: 'retention.shredded is audited by count only' });
    }
  });
/** An event as a caller passes it to {@link parseAuditEvent}. */
export type AuditEventInput = z.input<typeof AuditEventInput>;
/** A validated event: every field present, ids lower case. */
export type AuditEvent = z.output<typeof AuditEventInput>;

/**
 * Validates a caller's event. Throws {@link AuditError} `invalid-event` whose message names the fields at fault
 * and never repeats their values (an unrecognized key is not named either: a key can be text too).
 */
export function parseAuditEvent(input: unknown): AuditEvent {
  const result = AuditEventInput.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.code === 'unrecognized_keys' ? 'unexpected fields (only action, profileId, objectId and count are allowed)' : issue.message,
  );
  throw new AuditError('invalid-event', `Refused audit event: ${[...new Set(problems)].join('; ')}`);
}
