/**
 * Check 1, the Electronegativity part, pure: which findings a reviewed allow-list accepts.
 *
 * security/electronegativity-allow.json is `[{ "check": "<CHECK_ID>", "reason": "…" }]`: findings of `check`
 * are accepted for the stated reason, which must not be empty. Two optional keys narrow an entry to what was
 * actually reviewed, because a check id alone cannot tell the reviewed false positive from a real problem
 * reported under the same id (CONTEXT_ISOLATION_JS_CHECK fires both when the tool cannot see the option and
 * when it sees `contextIsolation: false`; CSP_GLOBAL_CHECK both for a remark and for `'unsafe-inline'`):
 *   - `sample`: a regular expression the finding's sample (its source line, or the CSP) must match;
 *   - `max`: how many matching findings are accepted, so a second window or openExternal is reviewed afresh.
 */

export interface ElectronegativityFinding {
  /** Check id, e.g. `CONTEXT_ISOLATION_JS_CHECK`. */
  readonly check: string;
  /** File relative to the project root, or `N/A` for global checks. */
  readonly file: string;
  /** 1-based; 0 for global checks. */
  readonly line: number;
  readonly column: number;
  readonly severity?: string;
  readonly confidence?: string;
  readonly manualReview?: boolean;
  readonly description?: string;
  readonly sample?: string;
}

export interface AllowListEntry {
  readonly check: string;
  readonly reason: string;
  readonly sample?: string;
  readonly max?: number;
}

export interface UnacceptedFinding {
  readonly finding: ElectronegativityFinding;
  /** Why it is not accepted when its check does have an entry. */
  readonly note?: string;
}

export interface AllowListComparison {
  /** Findings accepted, grouped by the entry that accepts them (entries with no finding are left out). */
  readonly allowed: { entry: AllowListEntry; findings: ElectronegativityFinding[] }[];
  /** Findings whose check has no entry, or whose sample is not the reviewed one. */
  readonly notAllowed: UnacceptedFinding[];
  /** Entries whose check has more findings than their `max`: all of that check's findings, to review. */
  readonly overLimit: { entry: AllowListEntry; findings: ElectronegativityFinding[] }[];
  /** Entries no finding needed: candidates for removal. */
  readonly unused: AllowListEntry[];
}

function normalizeCheck(check: string): string {
  return check.trim().toUpperCase();
}

/** Validates the parsed JSON of the allow-list file. Any problem fails the run. */
export function parseAllowList(raw: unknown): { entries: AllowListEntry[]; problems: string[] } {
  if (!Array.isArray(raw)) return { entries: [], problems: ['the allow-list must be a JSON array of { "check", "reason" } objects'] };
  const entries: AllowListEntry[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, index) => {
    const where = `entry ${index}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const record = item as Record<string, unknown>;
    const unknownKeys = Object.keys(record).filter((key) => !['check', 'reason', 'sample', 'max'].includes(key));
    if (unknownKeys.length > 0) problems.push(`${where}: unknown key(s) ${unknownKeys.join(', ')}`);
    const { check, reason, sample, max } = record;
    if (typeof check !== 'string' || check.trim() === '') {
      problems.push(`${where}: "check" must be a non-empty check id`);
      return;
    }
    const id = normalizeCheck(check);
    if (typeof reason !== 'string' || reason.trim() === '') problems.push(`${where} (${id}): empty reason — say why the finding is a false positive or accepted`);
    if (max !== undefined && !(typeof max === 'number' && Number.isInteger(max) && max >= 1)) problems.push(`${where} (${id}): "max" must be a positive integer`);
    if (sample !== undefined && !(typeof sample === 'string' && sample !== '' && isRegExp(sample))) problems.push(`${where} (${id}): "sample" must be a valid, non-empty regular expression`);
    if (seen.has(id)) problems.push(`${where} (${id}): duplicate check`);
    seen.add(id);
    entries.push({
      check: id,
      reason: typeof reason === 'string' ? reason.trim() : '',
      ...(typeof sample === 'string' ? { sample } : {}),
      ...(typeof max === 'number' ? { max } : {}),
    });
  });
  return { entries, problems };
}

/** Splits findings into accepted and not, by check id (case-insensitive). */
export function compareWithAllowList(findings: readonly ElectronegativityFinding[], entries: readonly AllowListEntry[]): AllowListComparison {
  const entryByCheck = new Map(entries.map((entry) => [normalizeCheck(entry.check), entry]));
  const matched = new Map<AllowListEntry, ElectronegativityFinding[]>();
  const notAllowed: UnacceptedFinding[] = [];
  for (const finding of findings) {
    const entry = entryByCheck.get(normalizeCheck(finding.check));
    if (!entry) {
      notAllowed.push({ finding });
    } else if (entry.sample !== undefined && !new RegExp(entry.sample).test(finding.sample ?? '')) {
      notAllowed.push({ finding, note: `the allow-list accepts ${entry.check} only where the sample matches /${entry.sample}/` });
    } else {
      matched.set(entry, [...(matched.get(entry) ?? []), finding]);
    }
  }
  const allowed: AllowListComparison['allowed'] = [];
  const overLimit: AllowListComparison['overLimit'] = [];
  for (const [entry, group] of matched) {
    if (entry.max !== undefined && group.length > entry.max) overLimit.push({ entry, findings: group });
    else allowed.push({ entry, findings: group });
  }
  const unused = entries.filter((entry) => !matched.has(entry));
  return { allowed, notAllowed, overLimit, unused };
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** One line per finding: `CHECK file:line:column (severity, confidence) description`. */
export function formatFinding(finding: ElectronegativityFinding): string {
  const where = finding.file === 'N/A' ? '(global check)' : `${finding.file}:${finding.line}:${finding.column}`;
  const grading = [finding.severity, finding.confidence, finding.manualReview ? 'manual review' : undefined].filter(Boolean).join(', ');
  return `${finding.check} ${where}${grading ? ` (${grading})` : ''}${finding.description ? ` — ${finding.description}` : ''}`;
}
