/**
 * The lines of a profile's sync outbox (`outbox.jsonl`): `add` an item to push (`adds`: several, atomically), `done`
 * when the server answered it;
 * `tombstone` a session deleted or shredded here, `tombstoned` when the server has it. Ids, versions, days, reasons
 * and sealed blobs only — the same nothing the server itself sees.
 */
import { z } from 'zod';
import { PushItem, SyncItemKind, TombstoneInput } from '../../../shared/sync/changes';

/** A session's tombstone as sent: its id, why it is gone, and the UTC day. */
export const OutboxTombstone = TombstoneInput.shape.sessions.element;
/** @see OutboxTombstone */
export type OutboxTombstone = z.infer<typeof OutboxTombstone>;

/** Version of the line layout; a line of another format is damage, not something to guess at. */
export const OUTBOX_FORMAT = 1;

/** One line of the outbox. */
export const OutboxLine = z.discriminatedUnion('op', [
  z.strictObject({ f: z.literal(OUTBOX_FORMAT), op: z.literal('add'), item: PushItem }),
  // Items that must reach the outbox together or not at all (a new session's first record and its key): one line, so
  // a crash mid-write leaves all of them or none (a torn last line is dropped).
  z.strictObject({ f: z.literal(OUTBOX_FORMAT), op: z.literal('adds'), items: z.array(PushItem).min(1) }),
  z.strictObject({ f: z.literal(OUTBOX_FORMAT), op: z.literal('done'), kind: SyncItemKind, id: z.uuid({ version: 'v4' }), version: PushItem.shape.version }),
  z.strictObject({ f: z.literal(OUTBOX_FORMAT), op: z.literal('tombstone'), tombstone: OutboxTombstone }),
  z.strictObject({ f: z.literal(OUTBOX_FORMAT), op: z.literal('tombstoned'), sessionIds: z.array(z.uuid({ version: 'v4' })).min(1) }),
]);
/** @see OutboxLine */
export type OutboxLine = z.infer<typeof OutboxLine>;

/** The key one item is known by in the outbox: a newer version of it replaces the older one. */
export function outboxKeyOf(item: Pick<PushItem, 'kind' | 'id'>): string {
  return `${item.kind}:${item.id}`;
}

/** `cursor.json`: the change number after which the next pull starts. */
export const CursorFile = z.strictObject({ f: z.literal(OUTBOX_FORMAT), after: z.number().int().min(0) });
/** @see CursorFile */
export type CursorFile = z.infer<typeof CursorFile>;
