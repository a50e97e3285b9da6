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
  'audit.chain_broken',
  'session.created_unkept',
  'session.turn_dropped',
  'vault.record_malformed',
  'vault.record_rolled_back',
  'vault.key_missing',
  // Sync (issue 10): ids and counts only, as everywhere here.
  'sync.profile_published',
  'sync.clinic_signed_in',
  'sync.pushed',
  'sync.pulled',
  'sync.deleted_elsewhere',
  // A pulled tombstone no key holder wrote (no valid proof, not past retention here): the session is kept.
  'sync.tombstone_refused',
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
 * The fields an action must carry, where it matters (an action not listed takes whatever ids and count apply):
 * - `count-only`: a count, and no object id;
 * - `one-object`: exactly one object id, and no count.
 */
type FieldRule = 'count-only' | 'one-object';

const FIELD_RULES: Partial<Record<AuditAction, FieldRule>> = {
  // Retention is audited by count only: which sessions were shredded is exactly what retention forgets.
  'retention.shredded': 'count-only',
  // Written by the log itself when it finds its chain broken: how many entries verified before the break.
  'audit.chain_broken': 'count-only',
  // A session the patient declined storage for: it exists only in memory, so its id is all there is to audit.
  'session.created_unkept': 'one-object',
  // A session deleted or shredded while its turn ran; the turn's result was discarded.
  'session.turn_dropped': 'one-object',
  // The record id of a stored record that does not parse.
  'vault.record_malformed': 'one-object',
  // The record id of a record refused because an older copy was put back in place of a newer one.
  'vault.record_rolled_back': 'one-object',
  // The session id whose key is simply absent (not a record that failed to decrypt).
  'vault.key_missing': 'one-object',
};

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
    const rule = FIELD_RULES[event.action];
    if (rule === 'count-only') {
      if (event.count === null) ctx.addIssue({ code: 'custom', path: ['count'], message: `${event.action} needs a count` });
      if (event.objectId !== null) ctx.addIssue({ code: 'custom', path: ['objectId'], message: `${event.action} is audited by count only` });
    } else if (rule === 'one-object') {
      if (event.objectId === null) ctx.addIssue({ code: 'custom', path: ['objectId'], message: `${event.action} needs the objectId it is about` });
      if (event.count !== null) ctx.addIssue({ code: 'custom', path: ['count'], message: `${event.action} names one object and takes no count` });
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
