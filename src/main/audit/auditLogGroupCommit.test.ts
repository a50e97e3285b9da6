import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../core/logger';
import { describe, expect, it, vi } from 'vitest';
import { InsecureHarnessSecretStorage } from '../../../test/harness/insecureHarnessSecretStorage';
import { TestClock } from '../../../test/support/testClock';
import * as durableFiles from '../core/durableFiles';
import { loadAuditKey } from './auditKey';
import { AuditLog } from './auditLog';
import { createAuditRecorder } from './auditRecorder';
import { verifyAuditLog } from './verifyAuditLog';

// Counts the log's durable appends and head replacements while still doing them for real.
vi.mock('../core/durableFiles', async (importOriginal) => {
  const real = await importOriginal<typeof durableFiles>();
  return { ...real, appendDurably: vi.fn(real.appendDurably), writeFileAtomic: vi.fn(real.writeFileAtomic) };
});

const PROFILE = '0b7e1f52-6a3c-4d8e-9f10-2a4b6c8d0e1f';
const sessionId = (n: number) => `3f2b8c1e-7d4a-4f6b-9c2d-${String(n).padStart(12, '0')}`;

describe('audit log group commit (check 25)', () => {
  it('writes events that queue up behind a write together: 50 sessions opened cost a few syncs, not 50, and every entry is chained', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-group-'));
    const secrets = new InsecureHarnessSecretStorage(dir);
    const log = new AuditLog({ dir, secrets, allowBasicTextKeyStorage: true, clock: new TestClock(new Date('2026-11-25T09:00:00.000Z')) });
    vi.mocked(durableFiles.appendDurably).mockClear();
    const entries = await Promise.all(
      Array.from({ length: 50 }, (_, i) => log.append({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(i + 1) })),
    );
    expect(entries.map((entry) => entry.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The first event opens the log and is written alone; the 49 that queued behind it go in one more write.
    expect(vi.mocked(durableFiles.appendDurably).mock.calls.length).toBeLessThanOrEqual(2);
    expect(await verifyAuditLog(dir, (await loadAuditKey(dir, secrets))!)).toEqual({ ok: true, entries: 50 });
  });

  it('lets durable records that arrive together share a sync: 50 sessions opened at once wait for a few syncs, not 50', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-audit-group-'));
    const secrets = new InsecureHarnessSecretStorage(dir);
    const log = new AuditLog({ dir, secrets, allowBasicTextKeyStorage: true, clock: new TestClock() });
    const recorder = createAuditRecorder(log, silentLogger);
    vi.mocked(durableFiles.appendDurably).mockClear();
    await Promise.all(Array.from({ length: 50 }, (_, i) => recorder.recordDurably({ action: 'session.opened', profileId: PROFILE, objectId: sessionId(i + 1) })));
    expect(vi.mocked(durableFiles.appendDurably).mock.calls.length).toBeLessThanOrEqual(2);
    expect(await verifyAuditLog(dir, (await loadAuditKey(dir, secrets))!)).toEqual({ ok: true, entries: 50 });
  });
});
