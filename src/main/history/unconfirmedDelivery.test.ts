import { describe, expect, it, vi } from 'vitest';
import { mainTestBed } from '../../../test/support/mainTestBed';
import { channelOf } from '../../shared/contract';
import type { OpenOutput, SealedRecord } from '../../shared/vault';

/**
 * A delivery the page never confirmed (it crashed, or was closed, before writing it) must not make what the page
 * does hold look like an older copy put back: only records the page confirmed storing move what main measures against.
 */
const bed = mainTestBed();

describe('a page that stopped storing mid-turn', () => {
  it('still opens the newest version it stored: never "rolled-back" because of a version it never received', async () => {
    bed.server.setChunkDelay(5);
    bed.server.queueReply('one two three four five six seven eight nine ten');
    const turn = bed.main.call('protocol.generate', { patient: { age: 70, sex: 'male', chiefComplaint: 'Confusion' } });
    await vi.waitFor(() => expect(bed.main.transport.sent.some((event) => event.channel === channelOf('protocol.delta'))).toBe(true));
    // The page crashes after storing the clinician's message: the answer's records never reach its store.
    const stored: SealedRecord[] = bed.main.deliveredRecords();
    bed.main.transport.storeRecords = false;
    await vi.waitFor(() => expect(bed.main.deliveredRecords().length).toBeGreaterThan(stored.length), { timeout: 5_000 });
    bed.clock.advance(10_000);
    await turn;
    const opened = await bed.main.callOk<OpenOutput>('vault.open', { records: stored });
    expect(opened.results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual(['ok', 'ok']);
  });
});
