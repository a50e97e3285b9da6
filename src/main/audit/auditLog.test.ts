import { appendFile, mkdir, mkdtemp, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsecureHarnessSecretStorage } from '../../../test/harness/insecureHarnessSecretStorage';
import { TestClock } from '../../../test/support/testClock';
import type { Logger } from '../core/logger';
import { AUDIT_GENESIS_MAC, type AuditEntry } from './auditEntry';
import { AuditError } from './auditError';
import { AUDIT_HEAD_FILE, AUDIT_KEY_FILE, AUDIT_LOG_FILE } from './auditFiles';
import { loadAuditKey } from './auditKey';
import { AuditLog } from './auditLog';
import { verifyAuditLog } from './verifyAuditLog';

const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';
const sessionId = (n: number) => `3f2b8c1e-7d4a-4f6b-9c2d-${String(n).padStart(12, '0')}`;

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-log-'));
  const clock = new TestClock(new Date('2026-11-25T09:00:00.000Z'));
  const secrets = new InsecureHarnessSecretStorage(dir);
  const warnings: string[] = [];
  // The harness stand-in reports the basic_text store, which the harness's policy allows.
  const logger: Logger = { info: () => {}, error: () => {}, warn: (event, fields) => warnings.push(`${event} ${JSON.stringify(fields)}`) };
  const open = () => new AuditLog({ dir, secrets, allowBasicTextKeyStorage: true, clock, logger });
  const verify = async () => verifyAuditLog(dir, (await loadAuditKey(dir, secrets))!);
  const lines = async () => (await readFile(join(dir, AUDIT_LOG_FILE), 'utf8')).split('\n').slice(0, -1);
  const entries = async () => (await lines()).map((line) => JSON.parse(line) as AuditEntry);
  return { dir, clock, secrets, warnings, open, verify, lines, entries };
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuditError) return error.kind;
    throw error;
  }
  return 'no error';
}

describe('audit log writing (check 25)', () => {
  it('writes one JSON line per event with UTC time, profile, action, object id and count, chained from genesis', async () => {
    const { clock, open, entries, verify } = await setup();
    const log = open();
    const first = await log.append({ action: 'auth.unlocked', profileId: PROFILE });
    clock.advance(90_000);
    await log.append({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(1) });
    clock.advance(1);
    await log.append({ action: 'retention.shredded', count: 7 });

    const written = await entries();
    expect(written[0]).toEqual(first);
    expect(written.map(({ seq, time, profileId, action, objectId, count }) => ({ seq, time, profileId, action, objectId, count }))).toEqual([
      { seq: 1, time: '2026-11-25T09:00:00.000Z', profileId: PROFILE, action: 'auth.unlocked', objectId: null, count: null },
      { seq: 2, time: '2026-11-25T09:01:30.000Z', profileId: PROFILE, action: 'session.opened', objectId: sessionId(1), count: null },
      { seq: 3, time: '2026-11-25T09:01:30.001Z', profileId: null, action: 'retention.shredded', objectId: null, count: 7 },
    ]);
    expect(Object.keys(written[0]!)).toEqual(['seq', 'time', 'profileId', 'action', 'objectId', 'count', 'prev', 'mac']);
    expect(written[0]!.prev).toBe(AUDIT_GENESIS_MAC);
    expect(written[1]!.prev).toBe(written[0]!.mac);
    expect(written[2]!.prev).toBe(written[1]!.mac);
    expect(await verify()).toEqual({ ok: true, entries: 3 });
  });

  it('keeps the head apart, naming the last entry', async () => {
    const { dir, open, entries } = await setup();
    const log = open();
    await log.append({ action: 'profile.created', profileId: PROFILE });
    await log.append({ action: 'auth.locked', profileId: PROFILE });
    const head = JSON.parse(await readFile(join(dir, AUDIT_HEAD_FILE), 'utf8')) as { seq: number; mac: string; tag: string };
    expect(head).toEqual({ seq: 2, mac: (await entries())[1]!.mac, tag: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('touches nothing before the first append, then creates the wrapped key', async () => {
    const { dir, open } = await setup();
    const log = open();
    await expect(readFile(join(dir, AUDIT_KEY_FILE))).rejects.toThrow();
    await log.append({ action: 'auth.unlock_failed', profileId: PROFILE });
    await expect(readFile(join(dir, AUDIT_KEY_FILE))).resolves.toBeDefined();
  });

  it('serializes concurrent appends in call order, with a valid chain', async () => {
    const { open, entries, verify } = await setup();
    const log = open();
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => log.append({ action: 'session.resumed', profileId: PROFILE, objectId: sessionId(i + 1) })));
    expect(results.map((entry) => entry.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await entries()).map((entry) => entry.objectId)).toEqual(Array.from({ length: 60 }, (_, i) => sessionId(i + 1)));
    expect(await verify()).toEqual({ ok: true, entries: 60 });
  });

  it('refuses smuggled text before it takes a place in line: nothing is written, no seq is used', async () => {
    const { open, entries, verify } = await setup();
    const log = open();
    await log.append({ action: 'auth.unlocked', profileId: PROFILE });
    const attempts = [
      log.append({ action: 'vault.searched', profileId: PROFILE, objectId: 'chest pain Jane Doe' }),
      log.append({ action: 'patient.note' as 'auth.locked' }),
      log.append({ action: 'session.exported', objectId: sessionId(1), note: 'Jane Doe' } as never),
    ];
    for (const attempt of attempts) expect(await kindOf(attempt)).toBe('invalid-event');
    await log.append({ action: 'auth.locked', profileId: PROFILE });
    expect((await entries()).map((entry) => [entry.seq, entry.action])).toEqual([
      [1, 'auth.unlocked'],
      [2, 'auth.locked'],
    ]);
    expect(JSON.stringify(await entries())).not.toContain('Jane');
    expect(await verify()).toEqual({ ok: true, entries: 2 });
  });

  it('continues the chain after a restart (a new instance on the same folder)', async () => {
    const { open, entries, verify } = await setup();
    const before = open();
    await before.append({ action: 'auth.unlocked', profileId: PROFILE });
    await before.append({ action: 'session.created', profileId: PROFILE, objectId: sessionId(1) });
    const after = open();
    const next = await after.append({ action: 'session.deleted', profileId: PROFILE, objectId: sessionId(1) });
    expect(next.seq).toBe(3);
    expect(next.prev).toBe((await entries())[1]!.mac);
    expect(await verify()).toEqual({ ok: true, entries: 3 });
  });
});

describe('audit log failures are reported, never skipped (check 25)', () => {
  it('rejects an append whose line cannot be written, and the next one takes its seq', async () => {
    const { dir, open, entries, verify } = await setup();
    const log = open();
    await log.append({ action: 'auth.unlocked', profileId: PROFILE });
    const path = join(dir, AUDIT_LOG_FILE);
    // A folder where the log should be: every write to it fails (tests run as root, so permissions would not).
    await rename(path, `${path}.aside`);
    await mkdir(path);
    expect(await kindOf(log.append({ action: 'session.exported', profileId: PROFILE, objectId: sessionId(1) }))).toBe('write-failed');
    expect(await kindOf(log.append({ action: 'auth.locked', profileId: PROFILE }))).toBe('write-failed');
    await rmdir(path);
    await rename(`${path}.aside`, path);
    const next = await log.append({ action: 'session.exported', profileId: PROFILE, objectId: sessionId(1) });
    expect(next.seq).toBe(2);
    expect((await entries()).map((entry) => entry.seq)).toEqual([1, 2]);
    expect(await verify()).toEqual({ ok: true, entries: 2 });
  });

  it('drops the torn remains of a failed append before the next line', async () => {
    const { dir, open, lines, verify } = await setup();
    const log = open();
    await log.append({ action: 'auth.unlocked', profileId: PROFILE });
    const path = join(dir, AUDIT_LOG_FILE);
    await rename(path, `${path}.aside`);
    await mkdir(path);
    expect(await kindOf(log.append({ action: 'auth.locked', profileId: PROFILE }))).toBe('write-failed');
    await rmdir(path);
    await rename(`${path}.aside`, path);
    await appendFile(path, '{"seq":2,"time":"2026-11-'); // what a write cut off half-way leaves
    await log.append({ action: 'auth.locked', profileId: PROFILE });
    expect(await lines()).toHaveLength(2);
    expect(await verify()).toEqual({ ok: true, entries: 2 });
  });

  it('reports a head that cannot be written; the entry stays and the next append brings the head up to date', async () => {
    const { dir, open, verify } = await setup();
    const log = open();
    await log.append({ action: 'auth.unlocked', profileId: PROFILE });
    await mkdir(join(dir, `${AUDIT_HEAD_FILE}.tmp`));
    expect(await kindOf(log.append({ action: 'auth.auto_logoff', profileId: PROFILE }))).toBe('head-write-failed');
    // Entries past the head verify: only the key holder can have written them.
    expect(await verify()).toEqual({ ok: true, entries: 2 });
    await rmdir(join(dir, `${AUDIT_HEAD_FILE}.tmp`));
    expect((await log.append({ action: 'auth.unlocked', profileId: PROFILE })).seq).toBe(3);
    const head = JSON.parse(await readFile(join(dir, AUDIT_HEAD_FILE), 'utf8')) as { seq: number };
    expect(head.seq).toBe(3);
    expect(await verify()).toEqual({ ok: true, entries: 3 });
  });

  it('refuses to write when the key is gone but the log is there (no silent new chain)', async () => {
    const { dir, open } = await setup();
    await open().append({ action: 'auth.unlocked', profileId: PROFILE });
    await rm(join(dir, AUDIT_KEY_FILE));
    expect(await kindOf(open().append({ action: 'auth.locked', profileId: PROFILE }))).toBe('key-unavailable');
  });
});

describe('audit log restart over damage', () => {
  it('drops a torn last line left by a crash, and says so', async () => {
    const { dir, open, lines, verify, warnings } = await setup();
    await open().append({ action: 'auth.unlocked', profileId: PROFILE });
    await appendFile(join(dir, AUDIT_LOG_FILE), '{"seq":2,"ti');
    expect(await verify()).toMatchObject({ ok: false, entries: 1, firstBreak: { seq: 2, reason: 'malformed' } });
    const entry = await open().append({ action: 'auth.locked', profileId: PROFILE });
    expect(entry.seq).toBe(2);
    expect(await lines()).toHaveLength(2);
    expect(await verify()).toEqual({ ok: true, entries: 2 });
    expect(warnings).toEqual(['audit.torn_line_dropped {"bytes":12}']);
  });

  it('keeps a whole entry that lost its newline, ending it rather than dropping it', async () => {
    const { dir, open, lines, verify, warnings } = await setup();
    const log = open();
    for (let n = 1; n <= 3; n++) await log.append({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(n) });
    const written = await lines();
    await writeFile(join(dir, AUDIT_LOG_FILE), `${written.join('\n')}`);
    expect((await open().append({ action: 'auth.locked', profileId: PROFILE })).seq).toBe(4);
    expect((await lines()).slice(0, 3)).toEqual(written);
    expect(warnings).toEqual([]);
    expect(await verify()).toEqual({ ok: true, entries: 4 });
  });

  it('continues after the head when the tail was cut off, recording the break first, so the cut stays visible', async () => {
    const { dir, clock, open, entries, lines, verify, warnings } = await setup();
    const log = open();
    for (let n = 1; n <= 4; n++) await log.append({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(n) });
    const kept = (await lines()).slice(0, 2);
    await writeFile(join(dir, AUDIT_LOG_FILE), `${kept.join('\n')}\n`);
    clock.advance(60_000);
    const next = await open().append({ action: 'auth.unlocked', profileId: PROFILE });
    expect(next.seq).toBe(6);
    expect(warnings).toEqual(['audit.chain_broken {"seq":3,"reason":"truncated"}']);
    expect((await lines()).slice(0, 2)).toEqual(kept);
    expect((await entries()).slice(2).map(({ seq, time, action, count }) => ({ seq, time, action, count }))).toEqual([
      { seq: 5, time: '2026-11-25T09:01:00.000Z', action: 'audit.chain_broken', count: 2 },
      { seq: 6, time: '2026-11-25T09:01:00.000Z', action: 'auth.unlocked', count: null },
    ]);
    expect(await verify()).toMatchObject({ ok: false, entries: 4, firstBreak: { seq: 5, reason: 'break-recorded' } });
  });
});
