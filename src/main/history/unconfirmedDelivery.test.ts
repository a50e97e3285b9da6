import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import { channelOf } from '../../shared/contract';
import type { OpenOutput, SealedRecord } from '../../shared/vault';

/**
 * A delivery the page never confirmed (it crashed, or was closed, before writing it) must not make what the page
 * does hold look like an older copy put back: only records the page confirmed storing move what main measures against.
 */
let server: FakeLlmServer;
let main: MainForTests;
let clock: TestClock;

beforeEach(async () => {
  server = await startFakeLlmServer();
  clock = new TestClock();
  main = await startMainForTests({ llmBaseUrl: server.baseURL, clock, newId: sequentialIds() });
});
afterEach(async () => {
  await main.close();
  await server.close();
});

describe('a page that stopped storing mid-turn', () => {
  it('still opens the newest version it stored: never "rolled-back" because of a version it never received', async () => {
    server.setChunkDelay(5);
    server.queueReply('one two three four five six seven eight nine ten');
    const turn = main.call('protocol.generate', { patient: { age: 70, sex: 'male', chiefComplaint: 'Confusion' } });
    await vi.waitFor(() => expect(main.transport.sent.some((event) => event.channel === channelOf('protocol.delta'))).toBe(true));
    // The page crashes after storing the clinician's message: the answer's records never reach its store.
    const stored: SealedRecord[] = main.deliveredRecords();
    main.transport.storeRecords = false;
    await vi.waitFor(() => expect(main.deliveredRecords().length).toBeGreaterThan(stored.length), { timeout: 5_000 });
    clock.advance(10_000);
    await turn;
    const opened = await main.callOk<OpenOutput>('vault.open', { records: stored });
    expect(opened.results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual(['ok', 'ok']);
  });
});
