import type { SealedRecord, SessionPayload, TurnPayload } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { Logger } from '../core/logger';
import { openBatch, type OpenOutcome } from '../vault/openBatch';
import type { SessionKeyStore } from '../vault/sessionKeyStore';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import type { HistoryMemory } from './historyMemory';
import { auditOpenFailures } from './openFailures';
import { sessionRecordRolledBack, turnRecordRolledBack } from './recordIntegrity';

/** What opening records needs. */
export interface OpenedRecordsDeps {
  readonly keys: SessionKeyStore;
  readonly memory: HistoryMemory;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
}

/** True when an authentic payload has the shape main writes for its kind (a cheap check on the bulk path). */
function hasPayloadShape(kind: SealedRecord['kind'], payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  const fields = payload as Record<string, unknown>;
  return kind === 'session'
    ? typeof fields.title === 'string' && typeof fields.patient === 'object' && fields.patient !== null
    : typeof fields.userText === 'string' && typeof fields.answerText === 'string' && typeof fields.turnId === 'string';
}

/**
 * Opens the signed-in clinician's records one by one (a record that fails is reported with its reason, the rest
 * still open), refuses authentic copies older than what this workstation last saved (`rolled-back`), notes what
 * opened in main's {@link HistoryMemory} (search, figures, manifests) and audits every failure. `vault.open` and the
 * background `vault.index` pass both come through here, so search covers whatever main opened.
 *
 * Session records are judged before turn records, so a batch holding a session's newest session record also checks
 * its turns against the manifest it carries.
 */
export async function openRecords(deps: OpenedRecordsDeps, owner: UnlockedOwner, records: readonly SealedRecord[]): Promise<OpenOutcome[]> {
  const outcomes = await openBatch(deps.keys, owner, records, deps.logger);
  const judged = outcomes.slice();
  const judge = (kind: SealedRecord['kind']): void => {
    for (const [index, outcome] of judged.entries()) {
      if (!outcome.ok || outcome.record.kind !== kind) continue;
      const { record, payload } = outcome;
      if (!hasPayloadShape(kind, payload)) {
        judged[index] = { id: outcome.id, ok: false, reason: 'malformed' };
        continue;
      }
      const known = deps.memory.knownManifest(owner.ownerId, record.sessionId);
      const rolledBack =
        kind === 'session' ? sessionRecordRolledBack(record, deps.keys.sessionVersion(record.sessionId), known) : turnRecordRolledBack(record, known);
      if (rolledBack) {
        judged[index] = { id: outcome.id, ok: false, reason: 'rolled-back' };
        continue;
      }
      deps.memory.note(owner.ownerId, record, payload as SessionPayload | TurnPayload);
    }
  };
  judge('session');
  judge('turn');
  const sessionByRecord = new Map(records.map((record) => [record.id, record.sessionId]));
  auditOpenFailures(deps.audit, owner.ownerId, judged, (recordId) => sessionByRecord.get(recordId));
  return judged;
}
