import type { AuditRecorder } from '../../audit/auditRecorder';
import type { AckRegistry } from '../../history/ackRegistry';
import type { Logger } from '../../core/logger';
import type { ProfileStore } from '../../profiles/profileStore';
import { openBatch, type OpenOutcome } from '../../vault/openBatch';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import type { SessionKeyStore } from '../../vault/sessionKeyStore';
import type { OperationHandlers } from '../registrar';
import type { OpenInput, OpenResult, SealedRecord, SessionPayload, TurnPayload } from '../../../shared/vault';
import type { SearchIndex } from '../../history/searchIndex';
import type { MetadataAnalytics } from '../../analytics/metadataAnalytics';

/** What the vault handlers work with. */
interface VaultDeps {
  readonly profiles: ProfileStore;
  readonly sessionKeys: SessionKeyStore;
  readonly acks: AckRegistry;
  readonly audit: AuditRecorder;
  readonly logger: Logger;
  /** Grows with every record opened after unlock; dropped on lock. */
  readonly searchIndex: SearchIndex;
  /** Numbers from every turn's metadata opened after unlock (inference time, trimmed history); dropped on lock. */
  readonly analytics: MetadataAnalytics;
}

/** The outcome of one record as the page may learn it (a failure names its reason in the contract's words). */
function failureOf(outcome: Extract<OpenOutcome, { ok: false }>): Extract<OpenResult, { ok: false }> {
  return { id: outcome.id, ok: false, reason: outcome.reason === 'wrong-owner' ? 'forbidden' : outcome.reason };
}

/**
 * Opens the unlocked clinician's records, adds what opened to the search index and audits every record that failed
 * authentication. Both `vault.open` and `vault.index` go through here, so the index covers whatever main opened.
 */
async function openAndIndex(deps: VaultDeps, records: OpenInput['records']): Promise<{ owner: UnlockedOwner; outcomes: OpenOutcome[] }> {
  const owner = deps.profiles.unlockedOwner();
  const outcomes = await openBatch(deps.sessionKeys, owner, records as SealedRecord[], deps.logger);
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      if (outcome.reason === 'tampered') deps.audit.record({ action: 'vault.decrypt_failed', profileId: owner.ownerId, objectId: outcome.id });
      continue;
    }
    if (outcome.record.kind === 'session') deps.searchIndex.add(outcome.record.sessionId, (outcome.payload as SessionPayload).title);
    else {
      const turn = outcome.payload as TurnPayload;
      deps.searchIndex.add(outcome.record.sessionId, turn.userText);
      deps.searchIndex.add(outcome.record.sessionId, turn.answerText);
      deps.analytics.note(owner.ownerId, outcome.record.id, outcome.record.sessionId, turn.metadata);
    }
  }
  return { owner, outcomes };
}

/**
 * `api.vault.*`: opening the caller's own sealed records, searching them, main's figures from their metadata, and the
 * page's acknowledgements of records it stored.
 */
export function vaultHandlers(deps: VaultDeps): Pick<OperationHandlers, 'vault.open' | 'vault.index' | 'vault.ack' | 'vault.search' | 'vault.analytics'> {
  return {
    'vault.open': async (input) => {
      const { owner, outcomes } = await openAndIndex(deps, input.records);
      const results: OpenResult[] = outcomes.map((outcome) =>
        outcome.ok ? { id: outcome.id, ok: true, payload: outcome.payload as never } : failureOf(outcome),
      );
      const openedSessions = new Set(outcomes.flatMap((outcome) => (outcome.ok && outcome.record.kind === 'session' ? [outcome.record.sessionId] : [])));
      // Queued on the audit log's own ordered queue: a clinician reading 50 sessions does not wait for 50 fsyncs.
      for (const sessionId of openedSessions) deps.audit.record({ action: 'session.opened', profileId: owner.ownerId, objectId: sessionId });
      return { results };
    },
    'vault.index': async (input) => {
      const { owner, outcomes } = await openAndIndex(deps, input.records);
      const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [failureOf(outcome)]));
      const indexed = outcomes.length - failures.length;
      // The clinician did not open these sessions: the log says how many records were decrypted for search, not which.
      if (indexed > 0) deps.audit.record({ action: 'vault.indexed', profileId: owner.ownerId, count: indexed });
      return { indexed, failures };
    },
    'vault.search': async (input) => {
      const owner = deps.profiles.unlockedOwner();
      // The query is patient text: the audit records that a search happened, never what was searched.
      deps.audit.record({ action: 'vault.searched', profileId: owner.ownerId });
      return { hits: deps.searchIndex.search(input.query), indexedSessions: deps.searchIndex.sessionCount };
    },
    // Numbers only, from what main has opened since unlock: nothing here is patient data, so nothing is audited.
    'vault.analytics': async () => deps.analytics.summary(deps.profiles.unlockedOwner().ownerId),
    'vault.ack': async (input, call) => {
      deps.acks.receive(input, call.senderId);
      return { done: true };
    },
  };
}
