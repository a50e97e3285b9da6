import { AppError } from '../../shared/errors';
import { recordVersionOf, type SealedRecord, type SessionPayload, type TurnPayload } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Logger } from '../core/logger';
import { openBatch, type OpenOutcome } from '../vault/openBatch';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import type { HistoryMemory, KnownManifest } from './historyMemory';
import { auditOpenFailures } from './openFailures';
import { sessionRecordRolledBack, turnRecordRolledBack } from './recordIntegrity';

/** What opening records needs. */
export interface OpenedRecordsDeps {
  readonly keys: SessionKeyStore;
  readonly memory: HistoryMemory;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /**
   * True while `owner` is still the signed-in clinician of the same sign-in (not locked since, not being signed out):
   * asked after every wait, so a call that was running when the profile locked never hands over — or remembers —
   * what it opened.
   */
  readonly isSignedIn: (owner: UnlockedOwner) => boolean;
}

/** What a batch opened, and the step that lets main remember it (search, figures, manifests) once it may. */
export interface OpenedBatch {
  readonly outcomes: OpenOutcome[];
  /**
   * Notes what opened in main's history memory. Call it only once the access is audited (a refused audit leaves
   * nothing behind); throws LOCKED when the clinician is no longer signed in.
   */
  remember(): void;
}

/** The refusal of a call that outlived its sign-in. */
export function signedOutError(): AppError {
  return new AppError('LOCKED', 'The app locked while this was being opened. Unlock to continue.');
}

/** Throws LOCKED unless `owner` is still signed in. */
export function requireSignedIn(deps: Pick<OpenedRecordsDeps, 'isSignedIn'>, owner: UnlockedOwner): void {
  if (!deps.isSignedIn(owner)) throw signedOutError();
}

/** True when an authentic payload has the shape main writes for its kind (a cheap check on the bulk path). */
function hasPayloadShape(kind: SealedRecord['kind'], payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  const fields = payload as Record<string, unknown>;
  return kind === 'session'
    ? typeof fields.title === 'string' && typeof fields.patient === 'object' && fields.patient !== null
    : typeof fields.userText === 'string' && typeof fields.answerText === 'string' && typeof fields.turnId === 'string';
}

/** The newer of two manifests of a session (by the session record's version), or null. */
function newerManifest(a: KnownManifest | null | undefined, b: KnownManifest | null | undefined): KnownManifest | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return b.sessionRv > a.sessionRv ? b : a;
}

/**
 * Opens the signed-in clinician's records one by one (a record that fails is reported with its reason, the rest
 * still open), refuses authentic copies older than what this workstation last saved (`rolled-back`), and audits every
 * failure. `vault.open`, the background `vault.index` pass, resume and export all come through here.
 *
 * Session records are judged first, so a batch holding a session's newest session record checks its turns against
 * the manifest it carries. A turn of a session whose session record this workstation has confirmed (anchor above 0)
 * opens only against a known manifest — its session record in the same batch, or opened or confirmed earlier in this
 * sign-in: alone, it could be any older copy, so it is refused as `rolled-back` (the page always opens a session's
 * records after its session record).
 */
export async function openRecords(deps: OpenedRecordsDeps, owner: UnlockedOwner, records: readonly SealedRecord[]): Promise<OpenedBatch> {
  const outcomes = await openBatch(deps.keys, owner, records, deps.logger);
  requireSignedIn(deps, owner);
  const judged = outcomes.slice();
  const inBatch = new Map<string, KnownManifest>();
  const knownManifest = (sessionId: string): KnownManifest | null =>
    newerManifest(deps.memory.knownManifest(owner.ownerId, sessionId), inBatch.get(sessionId));
  const refuse = (index: number, reason: 'malformed' | 'rolled-back'): void => {
    judged[index] = { id: judged[index]!.id, ok: false, reason };
  };
  for (const [index, outcome] of judged.entries()) {
    if (!outcome.ok || outcome.record.kind !== 'session') continue;
    const { record, payload } = outcome;
    if (!hasPayloadShape('session', payload)) refuse(index, 'malformed');
    else if (sessionRecordRolledBack(record, deps.keys.sessionVersion(record.sessionId), knownManifest(record.sessionId))) refuse(index, 'rolled-back');
    else {
      const turns = (payload as SessionPayload).turns;
      if (turns) {
        const candidate: KnownManifest = { sessionRv: recordVersionOf(record), turns: new Map(turns.map((entry) => [entry.id, entry])) };
        inBatch.set(record.sessionId, newerManifest(inBatch.get(record.sessionId), candidate)!);
      }
    }
  }
  for (const [index, outcome] of judged.entries()) {
    if (!outcome.ok || outcome.record.kind !== 'turn') continue;
    const { record, payload } = outcome;
    const known = knownManifest(record.sessionId);
    if (!hasPayloadShape('turn', payload)) refuse(index, 'malformed');
    else if (known === null ? deps.keys.sessionVersion(record.sessionId) > 0 : turnRecordRolledBack(record, known)) refuse(index, 'rolled-back');
  }
  const sessionByRecord = new Map(records.map((record) => [record.id, record.sessionId]));
  auditOpenFailures(deps.audit, owner.ownerId, judged, (recordId) => sessionByRecord.get(recordId));
  return {
    outcomes: judged,
    remember() {
      requireSignedIn(deps, owner);
      for (const outcome of judged) {
        if (!outcome.ok) continue;
        // A delete or a retention shred may have forgotten this session while the batch's audit line was written:
        // remembering it now would put its patient details back into search until the lock.
        const { sessionId } = outcome.record;
        if (!deps.keys.has(sessionId) || deps.keys.isShredded(sessionId)) continue;
        deps.memory.note(owner.ownerId, outcome.record, outcome.payload as SessionPayload | TurnPayload);
      }
    },
  };
}
