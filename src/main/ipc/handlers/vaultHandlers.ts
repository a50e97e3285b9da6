import type { OpenResult, SealedRecord } from '../../../shared/vault';
import type { AuditRecorder } from '../../audit/auditRecorder';
import type { AckRegistry } from '../../history/ackRegistry';
import type { HistoryMemory } from '../../history/historyMemory';
import { openRecords, requireSignedIn, type OpenedRecordsDeps } from '../../history/openedRecords';
import type { OpenOutcome } from '../../vault/openBatch';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import type { OperationHandlers } from '../registrar';

/** What the vault handlers work with. */
export interface VaultHandlerDeps {
  /** The signed-in clinician (throws LOCKED when none). */
  readonly owner: () => UnlockedOwner;
  readonly records: OpenedRecordsDeps;
  readonly memory: HistoryMemory;
  readonly acks: AckRegistry;
  readonly audit: AuditRecorder;
}

/** The outcome of one record as the page may learn it (a failure names its reason in the contract's words). */
function failureOf(outcome: Extract<OpenOutcome, { ok: false }>): Extract<OpenResult, { ok: false }> {
  return { id: outcome.id, ok: false, reason: outcome.reason === 'wrong-owner' ? 'forbidden' : outcome.reason };
}

/**
 * `api.vault.*`: opening the caller's own sealed records, searching them, the figures from them, and the page's
 * acknowledgements of records it stored. Nothing opened leaves main before its audit line is on disk: when the audit
 * log cannot be written these answer AUDIT_UNAVAILABLE (audit is a legal control; it does not fail open).
 */
export function vaultHandlers(deps: VaultHandlerDeps): Pick<OperationHandlers, 'vault.open' | 'vault.index' | 'vault.ack' | 'vault.search' | 'vault.analytics'> {
  return {
    'vault.open': async (input) => {
      const owner = deps.owner();
      const batch = await openRecords(deps.records, owner, input.records as SealedRecord[]);
      // Every session the clinician read something of — its session record, or only some of its turns.
      const opened = new Set(batch.outcomes.flatMap((outcome) => (outcome.ok ? [outcome.record.sessionId] : [])));
      await Promise.all(
        [...opened].map((sessionId) => deps.audit.recordDurably({ action: 'session.opened', profileId: owner.ownerId, objectId: sessionId })),
      );
      batch.remember();
      const results: OpenResult[] = batch.outcomes.map((outcome) =>
        outcome.ok ? { id: outcome.id, ok: true, payload: outcome.payload as never } : failureOf(outcome),
      );
      return { results };
    },
    'vault.index': async (input) => {
      const owner = deps.owner();
      const batch = await openRecords(deps.records, owner, input.records as SealedRecord[]);
      const failures = batch.outcomes.flatMap((outcome) => (outcome.ok ? [] : [failureOf(outcome)]));
      const indexed = batch.outcomes.length - failures.length;
      // The clinician did not open these sessions: the log says how many records were decrypted for search, not which.
      if (indexed > 0) await deps.audit.recordDurably({ action: 'vault.indexed', profileId: owner.ownerId, count: indexed });
      // Searchable only once the decryption is audited: a refused audit leaves nothing in the index.
      batch.remember();
      return { indexed, failures };
    },
    'vault.search': async (input) => {
      const owner = deps.owner();
      // The query is patient text: the audit records that a search happened, never what was searched.
      await deps.audit.recordDurably({ action: 'vault.searched', profileId: owner.ownerId });
      requireSignedIn(deps.records, owner);
      return deps.memory.search(owner.ownerId, input.query);
    },
    // Numbers only, from what main has opened since sign-in: nothing here is patient data, so nothing is audited.
    'vault.analytics': async () => deps.memory.analytics(deps.owner().ownerId),
    'vault.ack': async (input, call) => {
      deps.acks.receive(input, call.senderId);
      return { done: true };
    },
  };
}
