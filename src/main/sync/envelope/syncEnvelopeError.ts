/**
 * Why a pulled item's envelope was refused — never opened, never handed on:
 * - `malformed`: the blob is not base64 of an envelope, or what it holds is not a record or key entry main writes;
 * - `tampered`: authentication failed — altered bytes, another profile's sync key, or a blob moved to another item
 *   (its id, session, kind, version or day are bound);
 * - `mismatch`: authentic, but the record inside names another id, session, owner or version than the item it came
 *   as (sealed wrongly by a workstation holding the key).
 */
export type SyncEnvelopeFailure = 'malformed' | 'tampered' | 'mismatch';

/** A sync envelope that does not open. Names the reason only: no ids, no contents. */
export class SyncEnvelopeError extends Error {
  override readonly name = 'SyncEnvelopeError';
  constructor(readonly reason: SyncEnvelopeFailure) {
    super(`A synced item was refused (${reason}).`);
  }
}
