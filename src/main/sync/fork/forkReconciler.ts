/**
 * Both continuations kept (issue 10): a session continued on two workstations while neither reached the sync server
 * comes back with two session records of the same version, each listing a turn the other lacks. The first one pushed
 * wins on the server; the other is `stale`. Main does not let either manifest drop a turn: when the session record it
 * sealed last (its copy in the outbox, or the last one sealed here) and the newest one pulled each list turns the
 * other lacks, it seals a MERGED session record — the union of both manifests by turn id (higher version per id), a
 * version above both, the patient and title of the newer — and that one replaces the stale copy in the outbox.
 *
 * Authenticated: both records are opened with the session's key before anything is decided, so a record the server
 * made up (or altered) never takes part, and the server cannot add a turn to a manifest.
 */
import { unionOfPatients } from './patientUnion';
import type { Clock } from '../../core/clock';
import { SessionPayload, type SealedRecordV2 } from '../../../shared/vault';
import { PAYLOAD_FORMAT_VERSION } from '../../../shared/vault';
import { openRecord, type SealedRecordHeader } from '../../vault/recordCrypto';
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import { relateManifests, unionOfManifests, type ManifestRelation } from './manifestMerge';

/** What reconciling needs from main. */
export interface ForkReconcilerDeps {
  readonly keys: Pick<SessionKeyStore, 'keyFor'>;
  /** Main's sealer for the signed-in clinician (the sealed record also goes to the sync outbox). */
  readonly seal: (header: SealedRecordHeader, payload: SessionPayload) => Promise<SealedRecordV2>;
  readonly clock: Clock;
}

/** The outcome for one session: how the pulled record relates to the local one, and the merged record if sealed. */
export type Reconciled =
  | { readonly relation: Exclude<ManifestRelation, 'diverged'> | 'not-comparable' }
  | { readonly relation: 'diverged'; readonly merged: SealedRecordV2 };

/** A session record opened with main's keys, with the manifest it must carry to take part (format v2). */
interface OpenedSessionRecord {
  readonly record: SealedRecordV2;
  readonly payload: SessionPayload & { turns: NonNullable<SessionPayload['turns']> };
}

async function openSessionRecord(deps: ForkReconcilerDeps, owner: UnlockedOwner, record: SealedRecordV2): Promise<OpenedSessionRecord | null> {
  if (record.kind !== 'session' || record.id !== record.sessionId || record.ownerId !== owner.ownerId) return null;
  const parsed = SessionPayload.safeParse(await openRecord(await deps.keys.keyFor(record.sessionId, owner), record));
  if (!parsed.success || parsed.data.turns === undefined) return null;
  return { record, payload: { ...parsed.data, turns: parsed.data.turns } };
}

/** The later of two ISO times, and `now` if later still, plus one millisecond past both records. */
function stampAfter(now: Date, ...times: string[]): string {
  const latest = Math.max(now.getTime(), ...times.map((time) => Date.parse(time) + 1));
  return new Date(latest).toISOString();
}

/**
 * Compares the session record this workstation holds as its own (`local`) with the newest one pulled (`pulled`), both
 * of one session; seals the merged record when they diverged. Throws what opening or sealing throws (a locked
 * profile, a shredded session): the caller leaves the session as it is and tries again at the next cycle.
 */
export async function reconcilePulledSession(deps: ForkReconcilerDeps, owner: UnlockedOwner, local: SealedRecordV2, pulled: SealedRecordV2): Promise<Reconciled> {
  if (local.sessionId !== pulled.sessionId) return { relation: 'not-comparable' };
  const mine = await openSessionRecord(deps, owner, local);
  const theirs = await openSessionRecord(deps, owner, pulled);
  if (!mine || !theirs) return { relation: 'not-comparable' };
  const relation = relateManifests(mine.payload.turns, theirs.payload.turns);
  if (relation !== 'diverged') return { relation };
  const newer = mine.record.rv > theirs.record.rv || (mine.record.rv === theirs.record.rv && mine.record.updatedAt > theirs.record.updatedAt) ? mine : theirs;
  const older = newer === mine ? theirs : mine;
  const payload: SessionPayload = {
    // Neither continuation's update of the patient is dropped (see patientUnion.ts).
    patient: unionOfPatients(newer.payload.patient, older.payload.patient),
    title: newer.payload.title,
    turns: unionOfManifests(mine.payload.turns, theirs.payload.turns),
  };
  const merged = await deps.seal(
    {
      id: pulled.sessionId,
      kind: 'session',
      sessionId: pulled.sessionId,
      ownerId: owner.ownerId,
      seq: 0,
      parentTurnId: null,
      status: 'complete',
      createdAt: local.createdAt < pulled.createdAt ? local.createdAt : pulled.createdAt,
      updatedAt: stampAfter(deps.clock.now(), local.updatedAt, pulled.updatedAt),
      v: PAYLOAD_FORMAT_VERSION,
      rv: Math.max(local.rv, pulled.rv) + 1,
    },
    payload,
  );
  return { relation, merged };
}
