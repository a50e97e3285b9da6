/**
 * `tsx scripts/auditVerify.ts <data-dir> [--insecure-harness-key]` — check 25: verifies the audit log of a data
 * folder (`audit.log` against `audit.head`, with the HMAC key from `audit.key`) and names the first break.
 *
 * The key is wrapped by Electron `safeStorage`, which exists only inside the app, so for the desktop app's data
 * the verification runs in the app (its diagnostics; a later issue). Here only a browser-harness folder can be
 * checked, whose key is wrapped by the INSECURE stand-in — hence the flag, which says so.
 *
 * Every problem is listed, not just the first: each `audit.chain_broken` entry (a break the app found and recorded
 * in the log — reported for as long as the log exists, even though the chain after it verifies) with where and
 * when, and a break not recorded yet.
 *
 * Read-only: it never creates a key, a head or a log. Exit 0 intact (or no log yet), 1 broken or unverifiable,
 * 2 usage.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditError } from '../src/main/audit/auditError';
import { auditPaths } from '../src/main/audit/auditFiles';
import { loadAuditKey } from '../src/main/audit/auditKey';
import { auditProblems, inspectAuditLog } from '../src/main/audit/verifyAuditLog';
import { INSECURE_KEY_FILE, InsecureHarnessSecretStorage } from '../test/harness/insecureHarnessSecretStorage';

const USAGE = 'usage: tsx scripts/auditVerify.ts <data-dir> [--insecure-harness-key]';

const DESKTOP_NOTE = [
  'The audit key of a desktop data folder is wrapped by Electron safeStorage (the OS keychain), which is not',
  'available outside the app: the desktop app verifies its own audit log (diagnostics, a later issue).',
  'This tool verifies browser-harness data folders only; pass --insecure-harness-key to use the harness',
  "stand-in's key file from the data folder.",
].join('\n');

class Usage extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { 'insecure-harness-key': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new Usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(`${USAGE}\n\n${DESKTOP_NOTE}`);
    return 0;
  }
  if (positionals.length !== 1) throw new Usage('expected exactly one data folder');
  const dir = resolve(positionals[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Usage(`${dir} is not a folder`);
  if (!values['insecure-harness-key']) throw new Usage(DESKTOP_NOTE);
  // The stand-in would mint a fresh key if its file were missing; a verifier must not write into the folder.
  if (!existsSync(resolve(dir, INSECURE_KEY_FILE))) throw new Usage(`${dir} has no ${INSECURE_KEY_FILE}: not a browser-harness data folder`);
  console.log(`note: using the INSECURE browser-harness key stand-in (${INSECURE_KEY_FILE}); it protects nothing.`);

  const key = await loadAuditKey(dir, new InsecureHarnessSecretStorage(dir));
  if (!key) {
    const paths = auditPaths(dir);
    if (existsSync(paths.log) || existsSync(paths.head)) {
      console.error('✗ audit.key is missing beside an audit log: the log cannot be verified');
      return 1;
    }
    console.log(`✓ no audit log in ${dir} yet`);
    return 0;
  }
  const inspection = await inspectAuditLog(dir, key);
  const problems = auditProblems(inspection);
  if (problems.length === 0) {
    console.log(`✓ audit log intact: ${inspection.entries} entries, chain and head verified`);
    return 0;
  }
  for (const problem of problems) {
    const pending = problem === inspection.unrecordedBreak ? ' (not recorded in the log yet: the app records it when it next writes to the log)' : '';
    console.error(`✗ audit log broken at entry ${problem.seq} (${problem.reason}): ${problem.detail}${pending}`);
  }
  console.error(`  ${inspection.entries} entries verify in the chain`);
  return 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof Usage) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof AuditError) {
    console.error(`✗ ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
