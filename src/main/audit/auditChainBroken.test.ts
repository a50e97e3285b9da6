import { readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsecureHarnessSecretStorage } from '../../../test/harness/insecureHarnessSecretStorage';
import { TestClock } from '../../../test/support/testClock';
import { type AuditEntry, entryLine } from './auditEntry';
import { AuditError } from './auditError';
import { AUDIT_HEAD_FILE, AUDIT_LOG_FILE } from './auditFiles';
import { loadAuditKey } from './auditKey';
import { AuditLog } from './auditLog';
import { auditProblems, inspectAuditLog, verifyAuditLog } from './verifyAuditLog';

const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';
const sessionId = (n: number) => `3f2b8c1e-7d4a-4f6b-9c2d-${String(n).padStart(12, '0')}`;

/** A data folder whose log holds `count` opened sessions, with helpers to tamper with it and to reopen it. */
async function logOf(count: number) {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-break-'));
  const clock = new TestClock(new Date('2026-11-25T09:00:00.000Z'));
  const secrets = new InsecureHarnessSecretStorage(dir);
  // The harness stand-in reports the basic_text store, which the harness's policy allows.
  const open = () => new AuditLog({ dir, secrets, allowBasicTextKeyStorage: true, clock });
  const first = open();
  for (let n = 1; n <= count; n++) await first.append({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(n) });
  const logPath = join(dir, AUDIT_LOG_FILE);
  const lines = async () => (await readFile(logPath, 'utf8')).split('\n').slice(0, -1);
  const key = async () => (await loadAuditKey(dir, secrets))!;
  return {
    dir,
    clock,
    open,
    lines,
    entries: async () => (await lines()).map((line) => JSON.parse(line) as AuditEntry),
    writeLines: (kept: readonly string[]) => writeFile(logPath, kept.map((line) => `${line}\n`).join('')),
    removeHead: () => rm(join(dir, AUDIT_HEAD_FILE)),
    verify: async () => verifyAuditLog(dir, await key()),
    inspect: async () => inspectAuditLog(dir, await key()),
  };
}

/** Seq, time, action and count of each entry: what a reader of the log sees. */
const summary = (entries: readonly AuditEntry[]) => entries.map(({ seq, time, action, count }) => ({ seq, time, action, count }));

describe('a break in the audit chain stays visible forever (check 25)', () => {
  it('head removed and the log cut: the next event records the break, and the verifier reports it — also after 100 more events', async () => {
    const log = await logOf(5);
    const kept = (await log.lines()).slice(0, 3);
    await log.removeHead();
    await log.writeLines(kept);
    log.clock.advance(3_600_000);
    const reopened = log.open();
    await reopened.append({ action: 'auth.unlocked', profileId: PROFILE });

    expect((await log.lines()).slice(0, 3)).toEqual(kept);
    expect(summary((await log.entries()).slice(3))).toEqual([
      { seq: 4, time: '2026-11-25T10:00:00.000Z', action: 'audit.chain_broken', count: 3 },
      { seq: 5, time: '2026-11-25T10:00:00.000Z', action: 'auth.unlocked', count: null },
    ]);
    const reported = {
      seq: 4,
      reason: 'break-recorded',
      detail: 'a break in the chain was found at 2026-11-25T10:00:00.000Z and recorded as this entry; 3 entries had verified before it',
    };
    expect(await log.verify()).toEqual({ ok: false, entries: 5, firstBreak: reported });

    for (let n = 1; n <= 100; n++) {
      log.clock.advance(1_000);
      await reopened.append({ action: 'session.resumed', profileId: PROFILE, objectId: sessionId(n) });
    }
    expect(await log.verify()).toEqual({ ok: false, entries: 105, firstBreak: reported });
    // A restart finds the break already recorded: nothing new is added, and it is still reported.
    await log.open().append({ action: 'auth.locked', profileId: PROFILE });
    expect((await log.entries()).filter((entry) => entry.action === 'audit.chain_broken')).toHaveLength(1);
    expect(await log.inspect()).toMatchObject({
      entries: 106,
      unrecordedBreak: null,
      recordedBreaks: [{ seq: 4, detectedAt: '2026-11-25T10:00:00.000Z', verifiedBefore: 3 }],
    });
  });

  it('an edited entry: the break is chained at the next open, every line left as it was, and seq goes on after the furthest entry the key vouches for', async () => {
    const log = await logOf(5);
    const original = await log.lines();
    const edited = [...original];
    edited[2] = entryLine({ ...(JSON.parse(original[2]!) as AuditEntry), objectId: sessionId(99) });
    await log.writeLines(edited);
    expect(await log.verify()).toMatchObject({ ok: false, entries: 2, firstBreak: { seq: 3, reason: 'mac-mismatch' } });

    log.clock.advance(60_000);
    const next = await log.open().append({ action: 'auth.unlocked', profileId: PROFILE });
    const entries = await log.entries();
    expect((await log.lines()).slice(0, 5)).toEqual(edited);
    expect(summary(entries.slice(5))).toEqual([
      { seq: 6, time: '2026-11-25T09:01:00.000Z', action: 'audit.chain_broken', count: 2 },
      { seq: 7, time: '2026-11-25T09:01:00.000Z', action: 'auth.unlocked', count: null },
    ]);
    expect(entries[5]!.prev).toBe(entries[4]!.mac);
    expect(next.seq).toBe(7);
    // Entries 3 to 5 are not vouched for any more (they stand between the break and its record).
    expect(await log.verify()).toMatchObject({ ok: false, entries: 4, firstBreak: { seq: 6, reason: 'break-recorded' } });
  });

  it('removing the record of a break is a break of its own, recorded again at the next open', async () => {
    const log = await logOf(3);
    await log.removeHead();
    await log.open().append({ action: 'auth.unlocked', profileId: PROFILE });
    const lines = await log.lines();
    expect(JSON.parse(lines[3]!)).toMatchObject({ seq: 4, action: 'audit.chain_broken' });
    await log.writeLines([...lines.slice(0, 3), ...lines.slice(4)]);

    expect(await log.verify()).toMatchObject({ ok: false, entries: 3, firstBreak: { seq: 4, reason: 'sequence-gap' } });
    await log.open().append({ action: 'auth.locked', profileId: PROFILE });
    expect(await log.inspect()).toMatchObject({ unrecordedBreak: null, recordedBreaks: [{ seq: 6, verifiedBefore: 3 }] });
  });

  it('a whole log removed beside its key is a break, recorded from the first entry on', async () => {
    const log = await logOf(4);
    await rm(join(log.dir, AUDIT_LOG_FILE));
    await log.removeHead();
    expect(await log.verify()).toMatchObject({ ok: false, entries: 0, firstBreak: { seq: 1, reason: 'truncated' } });

    await log.open().append({ action: 'auth.unlocked', profileId: PROFILE });
    expect(summary(await log.entries())).toEqual([
      { seq: 1, time: '2026-11-25T09:00:00.000Z', action: 'audit.chain_broken', count: 0 },
      { seq: 2, time: '2026-11-25T09:00:00.000Z', action: 'auth.unlocked', count: null },
    ]);
    expect(await log.verify()).toMatchObject({ ok: false, entries: 2, firstBreak: { seq: 1, reason: 'break-recorded' } });
  });

  it('lists every recorded break, in log order', async () => {
    const log = await logOf(2);
    await log.removeHead();
    await log.open().append({ action: 'auth.unlocked', profileId: PROFILE });
    log.clock.advance(86_400_000);
    const lines = await log.lines();
    await log.writeLines(lines.slice(0, -1));
    await log.open().append({ action: 'auth.locked', profileId: PROFILE });

    const inspection = await log.inspect();
    expect(inspection.recordedBreaks).toEqual([
      { seq: 3, detectedAt: '2026-11-25T09:00:00.000Z', verifiedBefore: 2 },
      { seq: 5, detectedAt: '2026-11-26T09:00:00.000Z', verifiedBefore: 3 },
    ]);
    expect(auditProblems(inspection).map(({ seq, reason }) => `${seq} ${reason}`)).toEqual(['3 break-recorded', '5 break-recorded']);
  });

  it('takes no audit.chain_broken entry from a caller: only the log knows where its chain broke', async () => {
    const log = await logOf(1);
    const attempt = log.open().append({ action: 'audit.chain_broken', count: 1 });
    await expect(attempt).rejects.toBeInstanceOf(AuditError);
    await expect(attempt).rejects.toMatchObject({ kind: 'invalid-event' });
    expect(await log.lines()).toHaveLength(1);
    expect(await log.verify()).toEqual({ ok: true, entries: 1 });
  });
});
