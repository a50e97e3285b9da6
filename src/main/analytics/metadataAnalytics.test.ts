import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { MetadataAnalytics as AnalyticsOutput } from '../../shared/analytics';
import { channelOf } from '../../shared/contract';
import type { ProtocolResponse, TurnMetadata } from '../../shared/protocol';
import type { RecordDelivery } from '../../shared/vault';
import { MetadataAnalytics } from './metadataAnalytics';
import { median, nearestRank } from './percentiles';

/** What the metadata part answers (the history counts come from main's history memory). */
type Figures = Omit<AnalyticsOutput, 'history'>;

const SESSION_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const SESSION_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

function metadata(inferenceTimeMs: number, historyTrimmed = false): TurnMetadata {
  return {
    inferenceTimeMs,
    model: 'm',
    endpoint: 'http://127.0.0.1:8000/v1',
    temperature: 0.2,
    maxTokens: 1024,
    conversationCount: 1,
    promptTokens: null,
    completionTokens: null,
    historyTurnsIncluded: 0,
    historyTrimmed,
  };
}

describe('percentiles', () => {
  it('median of odd and even counts; p95 by nearest rank (an observed value)', () => {
    expect(median([1, 2, 3])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(nearestRank(hundred, 95)).toBe(95);
    expect(nearestRank([7], 95)).toBe(7);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
  });
});

describe('MetadataAnalytics', () => {
  it('counts each turn record once, however often it is seen, and per owner', () => {
    const analytics = new MetadataAnalytics();
    analytics.note('owner-1', 'turn-1', SESSION_A, null);
    analytics.note('owner-1', 'turn-1', SESSION_A, metadata(1000));
    analytics.note('owner-1', 'turn-1', SESSION_A, metadata(1000));
    analytics.note('owner-1', 'turn-2', SESSION_A, metadata(3000, true));
    analytics.note('owner-1', 'turn-3', SESSION_B, metadata(2000));
    analytics.note('owner-2', 'turn-9', SESSION_B, metadata(9000, true));
    expect(analytics.summary('owner-1')).toEqual<Figures>({ sessions: 2, answeredTurns: 3, inferenceMs: { median: 2000, p95: 3000 }, trimmedTurns: 1 });
    expect(analytics.summary('owner-2')).toEqual<Figures>({ sessions: 1, answeredTurns: 1, inferenceMs: { median: 9000, p95: 9000 }, trimmedTurns: 1 });
    analytics.removeSession(SESSION_A);
    expect(analytics.summary('owner-1')).toMatchObject({ sessions: 1, answeredTurns: 1 });
    analytics.clear();
    expect(analytics.summary('owner-1')).toEqual<Figures>({ sessions: 0, answeredTurns: 0, inferenceMs: null, trimmedTurns: 0 });
  });
});

describe('vault.analytics through main', () => {
  let server: FakeLlmServer;
  let main: MainForTests;
  beforeEach(async () => {
    server = await startFakeLlmServer();
    main = await startMainForTests({ llmBaseUrl: server.baseURL, clock: new TestClock(), newId: sequentialIds() });
  });
  afterEach(async () => {
    await main.close();
    await server.close();
  });

  it('covers what main sealed, is dropped on lock, and is rebuilt by the indexing pass — numbers only', async () => {
    server.queueReply('Consider pulmonary embolism.');
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient: { age: 61, sex: 'male', chiefComplaint: 'Chest pain' } });
    if (!first.ok) throw new Error(first.error.message);
    server.queueReply('Give oxygen.');
    await main.call('protocol.generate', { sessionId: first.data.sessionId, message: 'SpO2 88%' });
    const live = await main.call<AnalyticsOutput>('vault.analytics');
    expect(live).toMatchObject({ ok: true, data: { sessions: 1, answeredTurns: 2, trimmedTurns: 0, history: { sessions: 1, turns: 2, oneTurnSessions: 0 } } });
    expect(live.ok && live.data.inferenceMs).not.toBeNull();
    expect(JSON.stringify(live)).not.toMatch(/embolism|oxygen|Chest/);

    const records = main.transport.sent.filter((event) => event.channel === channelOf('vault.record')).flatMap((event) => (event.payload as RecordDelivery).records);
    await main.call('auth.lock');
    const profiles = await main.call<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    const profileId = profiles.ok ? profiles.data.profiles[0]?.profileId : undefined;
    await main.call('auth.unlock', { profileId, passphrase: TEST_PASSPHRASE });
    expect(await main.call('vault.analytics')).toMatchObject({ ok: true, data: { sessions: 0, answeredTurns: 0, inferenceMs: null, trimmedTurns: 0, history: { sessions: 0, turns: 0 } } });
    await main.call('vault.index', { records });
    expect(await main.call('vault.analytics')).toMatchObject({ ok: true, data: { sessions: 1, answeredTurns: 2, history: { sessions: 1, turns: 2 } } });
  });

  it('history figures come from headers main authenticated: an edited plaintext time or seq changes nothing', async () => {
    server.queueReply('Consider pulmonary embolism.');
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient: { age: 61, sex: 'male', chiefComplaint: 'Chest pain' } });
    if (!first.ok) throw new Error(first.error.message);
    const records = main.transport.sent.filter((event) => event.channel === channelOf('vault.record')).flatMap((event) => (event.payload as RecordDelivery).records);
    await main.call('auth.lock');
    const profiles = await main.call<{ profiles: { profileId: string }[] }>('auth.listProfiles');
    await main.call('auth.unlock', { profileId: profiles.ok ? profiles.data.profiles[0]?.profileId : undefined, passphrase: TEST_PASSPHRASE });
    // Someone with access to the page's store moves every record a year back and renumbers the turn.
    const edited = records.map((record) => ({ ...record, createdAt: '2025-01-01T03:00:00.000Z', seq: record.kind === 'turn' ? 7 : 0 }));
    const indexed = await main.call<{ indexed: number; failures: { reason: string }[] }>('vault.index', { records: edited });
    expect(indexed.ok && indexed.data.indexed).toBe(0);
    expect(indexed.ok && indexed.data.failures.every((failure) => failure.reason === 'tampered')).toBe(true);
    const figures = await main.call<AnalyticsOutput>('vault.analytics');
    expect(figures.ok && figures.data.history.sessionsPerDay).toEqual([]);
  });

  it('answers LOCKED while no clinician is signed in', async () => {
    await main.call('auth.lock');
    expect(await main.call('vault.analytics')).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
  });
});
