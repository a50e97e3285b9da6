/** Items kept in memory after a failed outbox write (a full disk) outlive a lock: the turn still reaches the server. */
import { describe, expect, it } from 'vitest';
import { S1 } from '../vault/testing/sessionKeyStoreSetup';
import { ADA, syncServiceSetup } from './testing/syncServiceSetup';

describe('an outbox that cannot be written, then a lock', () => {
  it('still pushes the turn after the clinician locks and unlocks once the disk has room', async () => {
    const w = await syncServiceSetup();
    const ada = await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    w.files.failing = true;
    const record = await w.record(ada, S1, { seq: 2 });
    await w.service.recordSealed(record);
    expect(w.service.status()).toMatchObject({ state: 'error', pending: 1 });

    // The clinician steps away: idle lock. The disk gets room meanwhile. They come back.
    w.profiles.lock();
    w.files.failing = false;
    await w.profiles.unlock(ADA);
    await w.service.adopted('token-ada');
    expect(await w.service.syncNow()).toMatchObject({ state: 'synced', pending: 0 });
    expect(w.server.items.get(`record:${record.id}`)?.version).toBe(1);
  });
});
