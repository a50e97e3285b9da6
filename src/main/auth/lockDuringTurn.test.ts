import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { AuthState } from '../../shared/auth';
import { channelOf } from '../../shared/contract';
import type { ProtocolResponse } from '../../shared/protocol';
import type { OpenOutput, TurnPayload } from '../../shared/vault';
import type { PowerSignals } from '../core/platformInterfaces';

/**
 * Locking never loses the answer being written: the running turn stops, what was written is sealed as incomplete
 * (reason `locked`) while the keys are still there, and only then does the profile lock.
 */
let server: FakeLlmServer;
let main: MainForTests;
let osLock: (() => void) | null;

const power: PowerSignals = {
  systemIdleSeconds: () => 0,
  onLockOrSuspend: (listener) => {
    osLock = listener;
    return () => (osLock = null);
  },
};

beforeEach(async () => {
  server = await startFakeLlmServer();
  osLock = null;
  main = await startMainForTests({ llmBaseUrl: server.baseURL, clock: new TestClock(), newId: sequentialIds(), power });
});
afterEach(async () => {
  await main.close();
  await server.close();
});

const LONG_ANSWER = Array.from({ length: 400 }, (_, index) => `step${index}`).join(' ');

/**
 * Starts a turn whose answer streams slowly; resolves once its first words reached the page, with the turn's call
 * (wrapped: an async function returning the promise itself would wait for the whole turn).
 */
async function streamingTurn(): Promise<{ done: Promise<{ ok: boolean; error?: { code: string } }> }> {
  server.setChunkDelay(20);
  server.queueReply(LONG_ANSWER);
  const turn = main.call<ProtocolResponse>('protocol.generate', { patient: { age: 60, sex: 'male', chiefComplaint: 'Fever and cough' } });
  await vi.waitFor(() => expect(main.transport.sent.some((event) => event.channel === channelOf('protocol.delta'))).toBe(true), { timeout: 5_000 });
  return { done: turn };
}

/** After unlocking again: the stored outcome of the turn (its newest delivered version), opened by main. */
async function storedOutcome(): Promise<{ status: string; payload: TurnPayload }> {
  await vi.waitFor(async () => expect((await main.callOk<AuthState>('auth.state')).state).toBe('locked'));
  const profiles = await main.callOk<{ profiles: { profileId: string }[] }>('auth.listProfiles');
  await main.callOk('auth.unlock', { profileId: profiles.profiles[0]!.profileId, passphrase: TEST_PASSPHRASE });
  const turnRecord = main.deliveredRecords().filter((record) => record.kind === 'turn').at(-1)!;
  const sessionRecord = main.deliveredRecords().filter((record) => record.kind === 'session').at(-1)!;
  // As the page opens a stored session: its session record (the manifest) with its turns.
  const opened = await main.callOk<OpenOutput>('vault.open', { records: [sessionRecord, turnRecord] });
  const [, result] = opened.results;
  if (!result?.ok) throw new Error('the stored turn did not open');
  return { status: turnRecord.status, payload: result.payload as TurnPayload };
}

describe('a lock while an answer streams', () => {
  it('the Lock button: the written part is kept, incomplete, reason "locked"; the page gets LOCKED, not the answer', async () => {
    const turn = (await streamingTurn()).done;
    await main.callOk('auth.lock');
    expect(await turn).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    const { status, payload } = await storedOutcome();
    expect(status).toBe('incomplete');
    expect(payload.incompleteReason).toBe('locked');
    expect(payload.answerText).toMatch(/^step0\b/);
    expect(payload.answerText.length).toBeLessThan(LONG_ANSWER.length);
  });

  it('the OS locking the screen does the same', async () => {
    const turn = (await streamingTurn()).done;
    osLock?.();
    expect(await turn).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    const { status, payload } = await storedOutcome();
    expect([status, payload.incompleteReason]).toEqual(['incomplete', 'locked']);
  });

  it('data calls answer LOCKED from the moment the lock starts', async () => {
    const turn = (await streamingTurn()).done;
    const locking = main.call('auth.lock');
    expect(await main.call('vault.search', { query: 'fever' })).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    await locking;
    await turn;
  });
});
