import { describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE } from '../../../test/support/mainForTests';
import { mainTestBed } from '../../../test/support/mainTestBed';
import type { AuthState } from '../../shared/auth';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SealedRecord, SearchOutput } from '../../shared/vault';

/**
 * Found by the hostile review of issue 11: the index now holds allergies, medications and past history. A `vault.index` batch
 * decrypted before a delete, whose audit write is still in flight when the delete forgets the session, calls
 * `remember()` afterwards (openedRecords.ts: it checks only that the clinician is signed in) and puts the deleted
 * session's patient details back into the search index, where search finds them (with an excerpt) until the lock.
 */
const bed = mainTestBed();
const patient = { age: 40, sex: 'male', chiefComplaint: 'Crushing chest pain', allergies: 'Penicillin anaphylaxis' };

function newestStored(sessionId: string): SealedRecord[] {
  const newest = new Map<string, SealedRecord>();
  for (const record of bed.main.deliveredRecords()) if (record.sessionId === sessionId) newest.set(record.id, record);
  return [...newest.values()];
}

describe('a delete racing the background index pass', () => {
  it('leaves none of the deleted session’s patient details searchable', async () => {
    const { profileId } = await bed.main.callOk<AuthState>('auth.state');
    const found: SearchOutput[] = [];
    // The delete lands at a different point of the index pass each time (the window is the batch's audit write).
    for (let ticks = 0; ticks < 8; ticks += 1) {
      const first = await bed.main.callOk<ProtocolResponse>('protocol.generate', { patient });
      await bed.main.callOk('auth.lock');
      await bed.main.callOk('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
      const indexing = bed.main.call('vault.index', { records: newestStored(first.sessionId) });
      for (let tick = 0; tick < ticks; tick += 1) await new Promise((resolve) => setImmediate(resolve));
      const deleting = bed.main.call('sessions.delete', { sessionId: first.sessionId });
      expect(await deleting).toEqual({ ok: true, data: { deleted: true } });
      await indexing;
      const search = await bed.main.callOk<SearchOutput>('vault.search', { query: 'penicillin' });
      if (search.hits.length > 0) found.push(search);
    }
    expect(found).toEqual([]);
  });
});
