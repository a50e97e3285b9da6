import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AUDIT_HEAD_FILE, AUDIT_LOG_FILE } from '../src/main/audit/auditFiles';
import { AuditLog } from '../src/main/audit/auditLog';
import { InsecureHarnessSecretStorage } from '../test/harness/insecureHarnessSecretStorage';
import { TestClock } from '../test/support/testClock';

const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';

/** Runs `npm run audit:verify -- <dir> --insecure-harness-key` (the script itself, without npm) and reports how it ended. */
async function auditVerify(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/auditVerify.ts', dir, '--insecure-harness-key']);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run audit:verify (check 25)', () => {
  it('reports a cut-off log whose head was removed, by the break the app recorded — entry and time — and exits 1', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-cli-'));
    const clock = new TestClock(new Date('2026-11-25T09:00:00.000Z'));
    const open = () => new AuditLog({ dir, secrets: new InsecureHarnessSecretStorage(dir), allowBasicTextKeyStorage: true, clock });
    const log = open();
    for (let n = 0; n < 5; n++) await log.append({ action: 'auth.unlocked', profileId: PROFILE });

    const lines = (await readFile(join(dir, AUDIT_LOG_FILE), 'utf8')).split('\n');
    await writeFile(join(dir, AUDIT_LOG_FILE), `${lines.slice(0, 3).join('\n')}\n`);
    await rm(join(dir, AUDIT_HEAD_FILE));
    clock.advance(3_600_000);
    await open().append({ action: 'auth.locked', profileId: PROFILE });

    const result = await auditVerify(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      '✗ audit log broken at entry 4 (break-recorded): a break in the chain was found at 2026-11-25T10:00:00.000Z and recorded as this entry; 3 entries had verified before it\n' +
        '  5 entries verify in the chain\n',
    );
  });
});
