import type { AuditRecorder } from '../audit/auditRecorder';
import type { OpenOutcome } from '../vault/openBatch';

/**
 * Audits every record main refused to open, by what went wrong — ids only: a failed authentication
 * (`vault.decrypt_failed`), a record main never writes (`vault.record_malformed`), an older copy put back
 * (`vault.record_rolled_back`), and once per session a key that is simply not on this workstation
 * (`vault.key_missing`). Shredded and foreign records are expected and not audited here (deletion and retention
 * were audited when they happened; a foreign record never opens).
 */
export function auditOpenFailures(audit: AuditRecorder, ownerId: string, outcomes: readonly OpenOutcome[], sessionOf: (recordId: string) => string | undefined): void {
  const missingKeys = new Set<string>();
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    switch (outcome.reason) {
      case 'tampered':
        audit.record({ action: 'vault.decrypt_failed', profileId: ownerId, objectId: outcome.id });
        break;
      case 'malformed':
        // A record too damaged to carry a usable id is still counted, without one.
        audit.record({ action: 'vault.record_malformed', profileId: ownerId, objectId: isAuditableId(outcome.id) ? outcome.id : null });
        break;
      case 'rolled-back':
        audit.record({ action: 'vault.record_rolled_back', profileId: ownerId, objectId: outcome.id });
        break;
      case 'unknown-key': {
        const sessionId = sessionOf(outcome.id);
        if (sessionId !== undefined && !missingKeys.has(sessionId)) {
          missingKeys.add(sessionId);
          audit.record({ action: 'vault.key_missing', profileId: ownerId, objectId: sessionId });
        }
        break;
      }
      default:
        break;
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for an id the audit log accepts (a UUID): a malformed record's id may be anything. */
function isAuditableId(id: string): boolean {
  return UUID.test(id);
}
