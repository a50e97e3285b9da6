/**
 * `store.retention_hide_ms`, measured in Node: the harness runs main on the real clock, which the benchmark cannot
 * move, so sessions cannot be made to expire inside it. Instead main's own retention pass — the real
 * `RetentionScheduler` over the real `SessionKeyStore`, wired as `createMainServices` wires them — runs on the
 * harness's data folder (after the harness closed) with its key file holding the clinician's real keys plus
 * `count` expired ones. The pass finds them and destroys their keys in batches, each batch written through to disk
 * (atomic replace, fsync) before it resolves: that is the moment every copy of those sessions becomes unreadable.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RetentionScheduler } from '../../src/main/history/retention';
import { silentLogger } from '../../src/main/core/logger';
import { systemClock } from '../../src/main/core/clock';
import { SESSION_KEYS_FILE, readSessionKeyFile, writeSessionKeyFile } from '../../src/main/vault/sessionKeyFile';
import type { SessionKeyEntry } from '../../src/main/vault/sessionKeyFileFormat';
import { SessionKeyStore } from '../../src/main/vault/sessionKeyStore';

export interface RetentionHideResult {
  /** One timed pass per repetition. */
  readonly passMs: readonly number[];
  readonly expired: number;
  /** Keys that were not expired (the real sessions of the run) and must survive the pass. */
  readonly kept: number;
  readonly keyFileBytes: number;
  readonly problems: readonly string[];
}

const DAY_MS = 86_400_000;

export async function measureRetentionHide(dataDir: string, count: number, repetitions: number, retentionMs: number): Promise<RetentionHideResult> {
  const file = join(dataDir, SESSION_KEYS_FILE);
  const real = await readSessionKeyFile(file);
  const problems: string[] = [];
  // Wrapped keys as long as real ones (random bytes: a destroyed key is never unwrapped).
  const wrappedBytes = real[0] ? Buffer.from(real[0].wrappedKey, 'base64').length : 60;
  const ownerId = real[0]?.ownerId ?? randomUUID();
  const expiredAt = Date.now() - retentionMs - DAY_MS;
  const expired: SessionKeyEntry[] = Array.from({ length: count }, (_, index) => ({
    sessionId: randomUUID(),
    ownerId,
    wrappedKey: randomBytes(wrappedBytes).toString('base64'),
    lastTurnAt: new Date(expiredAt - index * 1_000).toISOString(),
    rv: 0,
  }));
  const text = JSON.stringify({ format: 2, generation: 1, entries: [...real, ...expired], shredded: [] }, null, 2);

  const passMs: number[] = [];
  for (let rep = 0; rep < repetitions; rep += 1) {
    await writeSessionKeyFile(file, { entries: [...real, ...expired], shredded: [] }, 1);
    const keys = new SessionKeyStore(file, silentLogger);
    // No cut-off on load: the keys must still be there when the pass runs (a restart would drop them on load).
    await keys.load({ retentionCutoff: null, now: new Date() });
    const scheduler = new RetentionScheduler(
      {
        expiredBefore: (cutoffMs) => keys.expiredBefore(new Date(cutoffMs + 1)),
        oldestLastTurnAt: () => keys.oldestLastTurnAt(),
        destroy: async (ids) => {
          await keys.destroy(ids, new Date());
        },
      },
      systemClock,
      { shredded: () => undefined, clockJump: () => undefined },
      silentLogger,
      { retentionMs },
    );
    const startedAt = performance.now();
    await scheduler.runPass();
    passMs.push(performance.now() - startedAt);
    scheduler.dispose();
    const left = await readSessionKeyFile(file);
    if (left.length !== real.length) problems.push(`pass ${rep + 1} left ${left.length} keys, expected ${real.length}`);
  }
  return { passMs, expired: count, kept: real.length, keyFileBytes: Buffer.byteLength(text), problems };
}
