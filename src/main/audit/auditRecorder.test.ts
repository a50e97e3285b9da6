import { mkdir, mkdtemp, readFile, rename, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsecureHarnessSecretStorage } from '../../../test/harness/insecureHarnessSecretStorage';
import { TestClock } from '../../../test/support/testClock';
import { AppError } from '../../shared/errors';
import type { Logger } from '../core/logger';
import { AuditError } from './auditError';
import { AUDIT_HEAD_FILE, AUDIT_KEY_FILE, AUDIT_LOG_FILE } from './auditFiles';
import { loadAuditKey } from './auditKey';
import { AuditLog } from './auditLog';
import { createAuditRecorder } from './auditRecorder';
import { verifyAuditLog } from './verifyAuditLog';

const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';
const SESSION = '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f';
const UNAVAILABLE = 'The audit log cannot be written, so patient records stay closed until it can. Ask IT to check this workstation’s disk and keyring.';

/** A recorder over a real audit log in a fresh folder, with the operator log kept for inspection. */
async function setup(options: { allowBasicTextKeyStorage?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-recorder-'));
  const secrets = new InsecureHarnessSecretStorage(dir);
  const errors: string[] = [];
  const logger: Logger = { info: () => {}, warn: () => {}, error: (event, fields) => errors.push(`${event} ${JSON.stringify(fields)}`) };
  // The harness stand-in reports the basic_text store, which the harness's policy allows.
  const log = new AuditLog({ dir, secrets, allowBasicTextKeyStorage: options.allowBasicTextKeyStorage ?? true, clock: new TestClock() });
  const recorder = createAuditRecorder(log, logger);
  const logPath = join(dir, AUDIT_LOG_FILE);
  return {
    dir,
    recorder,
    errors,
    logText: () => readFile(logPath, 'utf8'),
    verify: async () => verifyAuditLog(dir, (await loadAuditKey(dir, secrets))!),
    /** Puts a folder where the log is, so every write to it fails (tests run as root: permissions would not). */
    breakDisk: async () => {
      await rename(logPath, `${logPath}.aside`);
      await mkdir(logPath);
    },
    mendDisk: async () => {
      await rmdir(logPath);
      await rename(`${logPath}.aside`, logPath);
    },
  };
}

/** What `promise` rejected with, or a failure when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('it resolved');
}

describe('audit fails closed: recordDurably (check 25)', () => {
  it('resolves only once the line is synced in the log', async () => {
    const { recorder, logText } = await setup();
    await recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION });
    expect(await logText()).toContain(`"action":"session.opened","objectId":"${SESSION}"`);
    expect(recorder.available()).toBe(true);
  });

  it('rejects with AUDIT_UNAVAILABLE while the log cannot be written, and works again once it can', async () => {
    const { recorder, errors, breakDisk, mendDisk, logText, verify } = await setup();
    await recorder.recordDurably({ action: 'auth.unlocked', profileId: PROFILE });
    await breakDisk();

    const error = await rejection(recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION }));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toPayload()).toEqual({ code: 'AUDIT_UNAVAILABLE', message: UNAVAILABLE });
    expect(recorder.available()).toBe(false);
    // Every later call tries the disk again rather than remembering the failure.
    await expect(recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION })).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    recorder.record({ action: 'auth.locked', profileId: PROFILE });
    await recorder.flushed();
    expect(recorder.available()).toBe(false);
    expect(errors).toEqual([
      'audit.append-failed {"action":"session.opened","kind":"AuditError","reason":"write-failed"}',
      'audit.append-failed {"action":"session.opened","kind":"AuditError","reason":"write-failed"}',
      'audit.append-failed {"action":"auth.locked","kind":"AuditError","reason":"write-failed"}',
    ]);

    await mendDisk();
    await recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION });
    expect(recorder.available()).toBe(true);
    // The refused accesses are not in the log; the one granted is.
    expect((await logText()).match(/session\.opened/g)).toHaveLength(1);
    expect(await verify()).toEqual({ ok: true, entries: 2 });
  });

  it('refuses access when the head cannot be updated: a head left behind would hide a cut-off log', async () => {
    const { dir, recorder } = await setup();
    await recorder.recordDurably({ action: 'auth.unlocked', profileId: PROFILE });
    await mkdir(join(dir, `${AUDIT_HEAD_FILE}.tmp`));
    await expect(recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION })).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(recorder.available()).toBe(false);
    await rmdir(join(dir, `${AUDIT_HEAD_FILE}.tmp`));
    await recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION });
    expect(recorder.available()).toBe(true);
  });

  it('refuses access when policy refuses the key storage, and says why to the operator log only', async () => {
    const { dir, recorder, errors } = await setup({ allowBasicTextKeyStorage: false });
    await expect(recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: SESSION })).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
      message: UNAVAILABLE,
    });
    expect(recorder.available()).toBe(false);
    expect(errors).toEqual(['audit.append-failed {"action":"session.opened","kind":"AuditError","reason":"key-storage-refused"}']);
    await expect(readFile(join(dir, AUDIT_KEY_FILE))).rejects.toThrow();
  });

  it('rejects a malformed event as the caller’s bug, leaving the log available', async () => {
    const { recorder } = await setup();
    const error = await rejection(recorder.recordDurably({ action: 'session.opened', objectId: 'Jane Doe' }));
    expect(error).toBeInstanceOf(AuditError);
    expect(error).toMatchObject({ kind: 'invalid-event' });
    expect(String((error as Error).message)).not.toContain('Jane');
    expect(recorder.available()).toBe(true);
  });

  it('keeps record() fire-and-forget: it returns at once and never throws, even while the log fails', async () => {
    const { recorder, breakDisk, mendDisk, logText } = await setup();
    await recorder.recordDurably({ action: 'auth.unlocked', profileId: PROFILE });
    await breakDisk();
    expect(recorder.record({ action: 'auth.locked', profileId: PROFILE })).toBeUndefined();
    await recorder.flushed();
    await mendDisk();
    recorder.record({ action: 'auth.locked', profileId: PROFILE });
    await recorder.flushed();
    expect(recorder.available()).toBe(true);
    expect((await logText()).match(/auth\.locked/g)).toHaveLength(1);
  });
});
