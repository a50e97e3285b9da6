import type { AuditSink } from '../../audit/auditLog';
import type { AckRegistry } from '../../history/ackRegistry';
import type { Logger } from '../../logging/logger';
import type { ProfileStore } from '../../profiles/profileStore';
import { openBatch } from '../../vault/openBatch';
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import type { OperationHandlers } from '../registrar';
import type { OpenResult } from '../../../shared/vault';

/** `api.vault.*`: opening the caller's own sealed records, and the page's acknowledgements of records it stored. */
export function vaultHandlers(deps: {
  readonly profiles: ProfileStore;
  readonly sessionKeys: SessionKeyStore;
  readonly acks: AckRegistry;
  readonly audit: AuditSink;
  readonly logger: Logger;
}): Pick<OperationHandlers, 'vault.open' | 'vault.ack'> {
  return {
    'vault.open': async (input) => {
      const owner = deps.profiles.unlockedOwner();
      const outcomes = await openBatch(deps.sessionKeys, owner, input.records, deps.logger);
      const results: OpenResult[] = outcomes.map((outcome) =>
        outcome.ok
          ? { id: outcome.id, ok: true, payload: outcome.payload as never }
          : { id: outcome.id, ok: false, reason: outcome.reason === 'wrong-owner' ? 'forbidden' : outcome.reason },
      );
      const openedSessions = new Set(outcomes.flatMap((outcome) => (outcome.ok && outcome.record.kind === 'session' ? [outcome.record.sessionId] : [])));
      for (const sessionId of openedSessions) {
        await deps.audit.append({ action: 'session.opened', profileId: owner.ownerId, objectId: sessionId }).catch(() => undefined);
      }
      for (const result of results) {
        if (!result.ok && result.reason === 'tampered') {
          await deps.audit.append({ action: 'vault.decrypt_failed', profileId: owner.ownerId, objectId: result.id }).catch(() => undefined);
        }
      }
      return { results };
    },
    'vault.ack': async (input, call) => {
      deps.acks.receive(input, call.senderId);
      return { done: true };
    },
  };
}
