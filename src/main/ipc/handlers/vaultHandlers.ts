import type { AuditRecorder } from '../../audit/auditRecorder';
import type { AckRegistry } from '../../history/ackRegistry';
import type { Logger } from '../../logging/logger';
import type { ProfileStore } from '../../profiles/profileStore';
import { openBatch } from '../../vault/openBatch';
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import type { OperationHandlers } from '../registrar';
import type { OpenResult, SessionPayload, TurnPayload } from '../../../shared/vault';
import type { SearchIndex } from '../../history/searchIndex';

/** `api.vault.*`: opening the caller's own sealed records, and the page's acknowledgements of records it stored. */
export function vaultHandlers(deps: {
  readonly profiles: ProfileStore;
  readonly sessionKeys: SessionKeyStore;
  readonly acks: AckRegistry;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Grows with every record opened after unlock; dropped on lock. */
  readonly searchIndex: SearchIndex;
}): Pick<OperationHandlers, 'vault.open' | 'vault.ack' | 'vault.search'> {
  return {
    'vault.open': async (input) => {
      const owner = deps.profiles.unlockedOwner();
      const outcomes = await openBatch(deps.sessionKeys, owner, input.records, deps.logger);
      const results: OpenResult[] = outcomes.map((outcome) =>
        outcome.ok
          ? { id: outcome.id, ok: true, payload: outcome.payload as never }
          : { id: outcome.id, ok: false, reason: outcome.reason === 'wrong-owner' ? 'forbidden' : outcome.reason },
      );
      for (const outcome of outcomes) {
        if (!outcome.ok) continue;
        if (outcome.record.kind === 'session') deps.searchIndex.add(outcome.record.sessionId, (outcome.payload as SessionPayload).title);
        else {
          const turn = outcome.payload as TurnPayload;
          deps.searchIndex.add(outcome.record.sessionId, turn.userText);
          deps.searchIndex.add(outcome.record.sessionId, turn.answerText);
        }
      }
      const openedSessions = new Set(outcomes.flatMap((outcome) => (outcome.ok && outcome.record.kind === 'session' ? [outcome.record.sessionId] : [])));
      // Queued on the audit log's own ordered queue: a clinician reading 50 sessions does not wait for 50 fsyncs.
      for (const sessionId of openedSessions) deps.audit.record({ action: 'session.opened', profileId: owner.ownerId, objectId: sessionId });
      for (const result of results) {
        if (!result.ok && result.reason === 'tampered') deps.audit.record({ action: 'vault.decrypt_failed', profileId: owner.ownerId, objectId: result.id });
      }
      return { results };
    },
    'vault.search': async (input) => {
      const owner = deps.profiles.unlockedOwner();
      // The query is patient text: the audit records that a search happened, never what was searched.
      deps.audit.record({ action: 'vault.searched', profileId: owner.ownerId });
      return { hits: deps.searchIndex.search(input.query), indexedSessions: deps.searchIndex.sessionCount };
    },
    'vault.ack': async (input, call) => {
      deps.acks.receive(input, call.senderId);
      return { done: true };
    },
  };
}
