/**
 * What a workstation pushes and pulls, sealed in the sync envelope (see envelopeCipher.ts): a sealed record (v2) or
 * a session-key entry. The server sees kind, ids, version and — for a key — the UTC day of the session's last turn;
 * the record's exact times, status, position and the entry's exact last-turn time travel only inside the envelope.
 *
 * Opening authenticates first, then checks the contents with the same schemas main writes them with, then checks
 * that they are the item they came as — so a server swapping blobs between items, versions or profiles is refused.
 */
import { z } from 'zod';
import { MAX_SYNC_VERSION, type PushItem } from '../../../shared/sync/changes';
import { SealedRecordV2 } from '../../../shared/vault';
import { utf8 } from '../../vault/encoding';
import { SessionKeyEntry } from '../../vault/sessionKeyFileFormat';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { openEnvelope, sealEnvelope, type EnvelopeOuter } from './envelopeCipher';
import { SyncEnvelopeError } from './syncEnvelopeError';
import { syncKeyOf } from './syncKey';

/** A synced item as pushed or pulled: what the server sees, and the blob. */
export type SyncedItem = Pick<PushItem, 'kind' | 'id' | 'sessionId' | 'version' | 'day' | 'blob'>;

/**
 * A session-key entry as synced: the entry (its key still wrapped by the data key) and the item's version. The
 * version is the caller's counter for the entry's changes — the session record's `rv` sealed with this last-turn
 * time is the natural one — because the entry's own `rv` is this workstation's confirmation anchor and may be 0.
 */
export const SyncedKeyEntry = z.strictObject({ entry: SessionKeyEntry, version: z.number().int().min(1).max(MAX_SYNC_VERSION) });
/** @see SyncedKeyEntry */
export type SyncedKeyEntry = z.infer<typeof SyncedKeyEntry>;

/** What an opened item holds. */
export type OpenedSyncItem = { readonly kind: 'record'; readonly record: SealedRecordV2 } | ({ readonly kind: 'key' } & SyncedKeyEntry);

/** The UTC day (YYYY-MM-DD) of an ISO time: all the server may know of when a session was last used. */
export function utcDayOf(isoTime: string): string {
  return new Date(isoTime).toISOString().slice(0, 10);
}

/**
 * Seals a record main sealed (format v2: only v2 has the version counter the server orders by; main re-seals a v1
 * record before it syncs) into the item to push. Throws a TypeError for another clinician's record.
 */
export async function sealRecordForSync(owner: UnlockedOwner, record: SealedRecordV2): Promise<SyncedItem> {
  if (record.ownerId !== owner.ownerId) throw new TypeError("a record is synced only by its owner's profile");
  const outer: EnvelopeOuter = { kind: 'record', id: record.id, sessionId: record.sessionId, version: record.rv, day: null };
  const plaintext = utf8(JSON.stringify(SealedRecordV2.parse(record)));
  return { ...outer, blob: await sealEnvelope(await syncKeyOf(owner.dataKey), owner.ownerId, outer, plaintext) };
}

/** Seals a session-key entry, as of `version`, into the item to push; the day outside is its last turn's UTC day. */
export async function sealKeyEntryForSync(owner: UnlockedOwner, synced: SyncedKeyEntry): Promise<SyncedItem> {
  const { entry, version } = SyncedKeyEntry.parse(synced);
  if (entry.ownerId !== owner.ownerId) throw new TypeError("a session key is synced only by its owner's profile");
  const outer: EnvelopeOuter = { kind: 'key', id: entry.sessionId, sessionId: entry.sessionId, version, day: utcDayOf(entry.lastTurnAt) };
  const plaintext = utf8(JSON.stringify({ entry, version }));
  return { ...outer, blob: await sealEnvelope(await syncKeyOf(owner.dataKey), owner.ownerId, outer, plaintext) };
}

/**
 * Opens a pulled item of `owner`'s profile. Throws {@link SyncEnvelopeError}: `malformed`, `tampered` (see there) or
 * `mismatch` when the authentic contents are not the item they came as. The record inside is still sealed by its
 * session key: the caller opens it as it opens the page's records (and a key may not have arrived yet).
 */
export async function openSyncedItem(owner: UnlockedOwner, item: SyncedItem): Promise<OpenedSyncItem> {
  const outer: EnvelopeOuter = { kind: item.kind, id: item.id, sessionId: item.sessionId, version: item.version, day: item.day };
  const plaintext = await openEnvelope(await syncKeyOf(owner.dataKey), owner.ownerId, outer, item.blob);
  const json = parseJson(plaintext);
  if (item.kind === 'record') {
    const parsed = SealedRecordV2.safeParse(json);
    if (!parsed.success) throw new SyncEnvelopeError('malformed');
    const record = parsed.data;
    const matches =
      item.day === null && record.id === item.id && record.sessionId === item.sessionId && record.ownerId === owner.ownerId && record.rv === item.version;
    if (!matches) throw new SyncEnvelopeError('mismatch');
    return { kind: 'record', record };
  }
  const parsed = SyncedKeyEntry.safeParse(json);
  if (!parsed.success) throw new SyncEnvelopeError('malformed');
  const { entry, version } = parsed.data;
  const matches =
    item.id === item.sessionId &&
    entry.sessionId === item.sessionId &&
    entry.ownerId === owner.ownerId &&
    version === item.version &&
    utcDayOf(entry.lastTurnAt) === item.day;
  if (!matches) throw new SyncEnvelopeError('mismatch');
  return { kind: 'key', entry, version };
}

/** Parses an opened envelope's UTF-8 JSON; throws {@link SyncEnvelopeError} `malformed` when it is not. */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SyncEnvelopeError('malformed');
  }
}
