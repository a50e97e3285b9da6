import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsecureHarnessSecretStorage } from '../../../test/harness/insecureHarnessSecretStorage';
import { TestClock } from '../../../test/support/testClock';
import { type AuditEntry, entryLine, sealEntry } from './auditEntry';
import { AUDIT_HEAD_FILE, AUDIT_LOG_FILE } from './auditFiles';
import { loadAuditKey } from './auditKey';
import { AuditLog } from './auditLog';
import { verifyAuditLog } from './verifyAuditLog';

const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';
const OTHER = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const sessionId = (n: number) => `3f2b8c1e-7d4a-4f6b-9c2d-${String(n).padStart(12, '0')}`;
const ENTRIES = 5;

/** A data folder with a five-entry log, its key, and helpers to tamper with the files. */
async function fiveEntryLog() {
  const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-verify-'));
  const secrets = new InsecureHarnessSecretStorage(dir);
  const clock = new TestClock();
  const log = new AuditLog({ dir, secrets, allowBasicTextKeyStorage: true, clock });
  await log.append({ action: 'auth.unlocked', profileId: PROFILE });
  for (let n = 1; n <= 3; n++) {
    clock.advance(60_000);
    await log.append({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(n) });
  }
  await log.append({ action: 'retention.shredded', count: 2 });
  const key = (await loadAuditKey(dir, secrets))!;
  const logPath = join(dir, AUDIT_LOG_FILE);
  const original = (await readFile(logPath, 'utf8')).split('\n').slice(0, -1);
  return {
    dir,
    key,
    original,
    entry: (seq: number) => JSON.parse(original[seq - 1]!) as AuditEntry,
    writeLines: (lines: readonly string[]) => writeFile(logPath, lines.map((line) => `${line}\n`).join('')),
    verify: (withKey: Uint8Array = key) => verifyAuditLog(dir, withKey),
  };
}

describe('audit chain verification (check 25)', () => {
  it('verifies an intact log, and an empty folder as an empty log', async () => {
    const { verify } = await fiveEntryLog();
    expect(await verify()).toEqual({ ok: true, entries: ENTRIES });
    const empty = await mkdtemp(join(tmpdir(), 'cpa-audit-verify-'));
    expect(await verifyAuditLog(empty, Buffer.alloc(32))).toEqual({ ok: true, entries: 0 });
  });

  it('rejects the log under another key at its first entry', async () => {
    const { verify } = await fiveEntryLog();
    expect(await verify(Buffer.alloc(32, 7))).toMatchObject({ ok: false, entries: 0, firstBreak: { seq: 1, reason: 'mac-mismatch' } });
  });

  const edits: Record<string, (entry: AuditEntry) => AuditEntry> = {
    time: (entry) => ({ ...entry, time: '2027-01-01T00:00:00.000Z' }),
    profileId: (entry) => ({ ...entry, profileId: entry.profileId === OTHER ? PROFILE : OTHER }),
    action: (entry) => ({ ...entry, action: entry.action === 'auth.locked' ? 'auth.unlocked' : 'auth.locked' }),
    objectId: (entry) => ({ ...entry, objectId: sessionId(99) }),
    count: (entry) => ({ ...entry, count: (entry.count ?? 0) + 1 }),
    prev: (entry) => ({ ...entry, prev: 'f'.repeat(64) }),
    mac: (entry) => ({ ...entry, mac: 'e'.repeat(64) }),
  };
  for (const [field, edit] of Object.entries(edits)) {
    it(`detects an edited ${field} in any entry, at that entry`, async () => {
      const { original, entry, writeLines, verify } = await fiveEntryLog();
      for (let seq = 1; seq <= ENTRIES; seq++) {
        const lines = [...original];
        lines[seq - 1] = entryLine(edit(entry(seq)));
        await writeLines(lines);
        expect(await verify()).toMatchObject({ ok: false, entries: seq - 1, firstBreak: { seq, reason: 'mac-mismatch' } });
      }
    });
  }

  it('detects an edited seq as a sequence gap', async () => {
    const { original, entry, writeLines, verify } = await fiveEntryLog();
    const lines = [...original];
    lines[2] = entryLine({ ...entry(3), seq: 4 });
    await writeLines(lines);
    expect(await verify()).toMatchObject({ ok: false, entries: 2, firstBreak: { seq: 3, reason: 'sequence-gap' } });
  });

  it('detects a removed entry where it is missing', async () => {
    const { original, writeLines, verify } = await fiveEntryLog();
    for (let seq = 1; seq < ENTRIES; seq++) {
      await writeLines(original.filter((_, index) => index !== seq - 1));
      expect(await verify()).toMatchObject({ ok: false, entries: seq - 1, firstBreak: { seq, reason: 'sequence-gap' } });
    }
  });

  it('detects an inserted entry: forged with the next seq, or a replayed copy', async () => {
    const { original, entry, writeLines, verify } = await fiveEntryLog();
    // Someone without the key writes a plausible entry 3 and renumbers nothing: its MAC cannot be right.
    const forged = sealEntry(Buffer.alloc(32, 1), 3, entry(2).mac, '2026-11-25T09:02:30.000Z', {
      action: 'session.deleted',
      profileId: PROFILE,
      objectId: sessionId(7),
      count: null,
    });
    await writeLines([...original.slice(0, 2), entryLine(forged), ...original.slice(2)]);
    expect(await verify()).toMatchObject({ ok: false, entries: 2, firstBreak: { seq: 3, reason: 'mac-mismatch' } });
    await writeLines([...original.slice(0, 2), original[1]!, ...original.slice(2)]);
    expect(await verify()).toMatchObject({ ok: false, entries: 2, firstBreak: { seq: 3, reason: 'sequence-gap' } });
  });

  it('detects two entries swapped, at the first of them', async () => {
    const { original, writeLines, verify } = await fiveEntryLog();
    const lines = [...original];
    [lines[1], lines[3]] = [lines[3]!, lines[1]!];
    await writeLines(lines);
    expect(await verify()).toMatchObject({ ok: false, entries: 1, firstBreak: { seq: 2, reason: 'sequence-gap' } });
  });

  it('detects a cut-off tail through the head kept apart', async () => {
    const { original, writeLines, verify } = await fiveEntryLog();
    await writeLines(original.slice(0, 3));
    expect(await verify()).toMatchObject({ ok: false, entries: 3, firstBreak: { seq: 4, reason: 'truncated' } });
    await writeLines([]);
    expect(await verify()).toMatchObject({ ok: false, entries: 0, firstBreak: { seq: 1, reason: 'truncated' } });
  });

  it('detects a cut-off tail whose head was rewritten to match, since the head carries a keyed tag', async () => {
    const { dir, original, entry, writeLines, verify } = await fiveEntryLog();
    await writeLines(original.slice(0, 3));
    const untagged = createHmac('sha256', Buffer.alloc(32)).update('anything').digest('hex');
    await writeFile(join(dir, AUDIT_HEAD_FILE), `${JSON.stringify({ seq: 3, mac: entry(3).mac, tag: untagged })}\n`);
    expect(await verify()).toMatchObject({ ok: false, entries: 3, firstBreak: { seq: 4, reason: 'head-missing' } });
  });

  it('detects a deleted or damaged head', async () => {
    const { dir, verify } = await fiveEntryLog();
    await writeFile(join(dir, AUDIT_HEAD_FILE), 'garbage');
    expect(await verify()).toMatchObject({ ok: false, entries: ENTRIES, firstBreak: { seq: ENTRIES + 1, reason: 'head-missing' } });
    await rm(join(dir, AUDIT_HEAD_FILE));
    expect(await verify()).toMatchObject({ ok: false, entries: ENTRIES, firstBreak: { seq: ENTRIES + 1, reason: 'head-missing' } });
  });

  it('detects a whole log removed while the head remains', async () => {
    const { dir, verify } = await fiveEntryLog();
    await rm(join(dir, AUDIT_LOG_FILE));
    expect(await verify()).toMatchObject({ ok: false, entries: 0, firstBreak: { seq: 1, reason: 'truncated' } });
  });

  it.each([
    ['garbage bytes', () => 'x\u0000\u00ff{'],
    ['an empty line', () => ''],
    ['JSON that is not an entry', () => '{"seq":3}'],
    ['the same entry reformatted', (line: string) => JSON.stringify(JSON.parse(line), null, 1).replaceAll('\n', '')],
    ['an extra field', (line: string) => line.replace('{', '{"note":"x",')],
  ])('detects a corrupted line (%s) as malformed, at that entry', async (_, corrupt) => {
    const { original, writeLines, verify } = await fiveEntryLog();
    const lines = [...original];
    lines[2] = corrupt(lines[2]!);
    await writeLines(lines);
    expect(await verify()).toMatchObject({ ok: false, entries: 2, firstBreak: { seq: 3, reason: 'malformed' } });
  });

  it('names the first break when there are several', async () => {
    const { original, entry, writeLines, verify } = await fiveEntryLog();
    await writeLines([original[0]!, entryLine({ ...entry(2), count: 9 }), original[2]!, original[3]!]);
    expect(await verify()).toMatchObject({ ok: false, entries: 1, firstBreak: { seq: 2, reason: 'mac-mismatch' } });
  });
});
