import { readAuditFiles } from './auditFiles';
import { type AuditBreak, type AuditInspection, inspectAuditContent, type RecordedAuditBreak } from './auditInspection';

export type { AuditBreak, AuditBreakReason, AuditInspection, RecordedAuditBreak } from './auditInspection';

/**
 * The outcome of a verification. `entries` counts the entries that verify in the chain (before an unrecorded
 * break, if there is one). A log is never `ok` again once a break was found in it: the writer's
 * `audit.chain_broken` entries stay problems for as long as the log exists.
 */
export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBreak: AuditBreak };

/**
 * Verifies the audit log in `dir` (`audit.log` and `audit.head`) with the unwrapped HMAC key and names its first
 * problem; {@link inspectAuditLog} lists them all. A folder with neither file nor `audit.key` has an empty,
 * intact log.
 */
export async function verifyAuditLog(dir: string, key: Uint8Array): Promise<AuditVerification> {
  return summarizeInspection(await inspectAuditLog(dir, key));
}

/**
 * Reads the audit files of `dir` and inspects the log with the unwrapped HMAC key. The whole log is read at once:
 * at a few hundred bytes an entry, years of a workstation's events fit in memory.
 */
export async function inspectAuditLog(dir: string, key: Uint8Array): Promise<AuditInspection> {
  return inspectAuditContent(key, await readAuditFiles(dir));
}

/** The problems of an inspection in log order (recorded breaks and the unrecorded one, by seq). */
export function auditProblems(inspection: AuditInspection): AuditBreak[] {
  const problems = inspection.recordedBreaks.map(recordedBreakProblem);
  if (inspection.unrecordedBreak) problems.push(inspection.unrecordedBreak);
  return problems.sort((a, b) => a.seq - b.seq);
}

/** An inspection as a verification: ok only with no break at all, recorded or not. */
function summarizeInspection(inspection: AuditInspection): AuditVerification {
  const [firstBreak] = auditProblems(inspection);
  return firstBreak ? { ok: false, entries: inspection.entries, firstBreak } : { ok: true, entries: inspection.entries };
}

/** A recorded break as a problem: where and when it was found, and how far the chain had verified. */
function recordedBreakProblem(recorded: RecordedAuditBreak): AuditBreak {
  return {
    seq: recorded.seq,
    reason: 'break-recorded',
    detail: `a break in the chain was found at ${recorded.detectedAt} and recorded as this entry; ${recorded.verifiedBefore} entries had verified before it`,
  };
}
