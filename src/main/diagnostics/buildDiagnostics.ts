/**
 * The support bundle (`app.diagnostics`). Every field is gathered by an injected function so the assembly runs in
 * plain Node and its privacy rule is testable: the result is parsed with the strict {@link Diagnostics} schema, so a
 * field the schema does not name cannot slip in, and no source it reads holds patient text (the settings view has
 * no secrets, the problem log keeps event names and kinds only, the audit result quotes no log content).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Diagnostics } from '../../shared/diagnostics';
import type { LlmStatus, SettingsView } from '../../shared/settings';
import type { AuditVerification } from '../audit/verifyAuditLog';
import { errorKind } from '../core/logger';
import type { RecentProblem } from '../logging/recentProblems';

/** Where the bundle's parts come from. */
export interface DiagnosticsSources {
  readonly now: () => Date;
  readonly buildMode: string;
  readonly versions: { readonly app: string | null; readonly electron: string | null; readonly chrome: string | null; readonly node: string };
  readonly os: { readonly platform: string; readonly release: string; readonly arch: string };
  readonly policyPath: string | null;
  readonly settings: () => SettingsView;
  /** Verifies the audit log; null when there is no log key yet (nothing was ever audited). */
  readonly verifyAudit: () => Promise<AuditVerification | null>;
  readonly llmStatus: () => Promise<LlmStatus>;
  readonly recentProblems: () => readonly RecentProblem[];
}

/** Builds the bundle. A part that fails is reported as unknown (by error kind), never by its message. */
export async function buildDiagnostics(sources: DiagnosticsSources): Promise<Diagnostics> {
  const [sha256, audit, llm] = await Promise.all([policyHash(sources.policyPath), auditResult(sources), sources.llmStatus().catch(() => null)]);
  return Diagnostics.parse({
    generatedAt: sources.now().toISOString(),
    versions: { ...sources.versions },
    os: { ...sources.os },
    buildMode: sources.buildMode,
    policy: { path: sources.policyPath, sha256 },
    settings: sources.settings(),
    audit,
    llm,
    recentProblems: sources.recentProblems().map(({ time, level, event, kind }) => ({ time, level, event, kind })),
  });
}

/** SHA-256 of the policy file as it is now, so IT can tell whether the workstation has the file they deployed. */
async function policyHash(path: string | null): Promise<string | null> {
  if (path === null) return null;
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return null;
  }
}

async function auditResult(sources: DiagnosticsSources): Promise<Diagnostics['audit']> {
  try {
    const result = await sources.verifyAudit();
    if (result === null) return { ok: null, entries: null, detail: 'no audit log on this workstation yet' };
    if (result.ok) return { ok: true, entries: result.entries, detail: null };
    return { ok: false, entries: result.entries, detail: `${result.firstBreak.reason}: ${result.firstBreak.detail}` };
  } catch (error) {
    return { ok: null, entries: null, detail: `could not be verified (${errorKind(error)})` };
  }
}
