import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import type { ProtocolResponse } from '../../shared/protocol';
import { AUDIT_LOG_FILE } from '../audit/auditFiles';

/**
 * Every access to stored patient data is audited — whatever was opened, whatever failed — and none happens when the
 * audit log cannot be written (audit is a legal control: it does not fail open).
 */
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

const patient = { age: 52, sex: 'male', chiefComplaint: 'Crushing chest pain' };

describe('audited access to stored records', () => {
  it('opening only some turn records of a session is audited as opening that session', async () => {
    const first = await main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const turns = main.deliveredRecords().filter((record) => record.kind === 'turn');
    await main.callOk('vault.open', { records: turns.slice(-1) });
    const opened = (await main.auditEntries()).filter((entry) => entry.action === 'session.opened');
    expect(opened).toEqual([expect.objectContaining({ objectId: first.sessionId })]);
  });

  it('a damaged record is audited (record malformed), by id', async () => {
    await main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const turn = main.deliveredRecords().filter((record) => record.kind === 'turn').at(-1)!;
    await main.callOk('vault.open', { records: [{ ...turn, iv: 'AAAA' }] });
    await vi.waitFor(async () =>
      expect(await main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'vault.record_malformed', objectId: turn.id })),
    );
  });

  it('a session the patient declined storage for is audited when it opens', async () => {
    const first = await main.callOk<ProtocolResponse>('protocol.generate', { patient, doNotKeep: true });
    await vi.waitFor(async () =>
      expect(await main.auditEntries()).toContainEqual(expect.objectContaining({ action: 'session.created_unkept', objectId: first.sessionId })),
    );
    expect(main.deliveredRecords()).toEqual([]);
  });
});

describe('when the audit log cannot be written', () => {
  it('opening, searching and exporting stop with AUDIT_UNAVAILABLE, and come back once it can', async () => {
    await main.callOk<ProtocolResponse>('protocol.generate', { patient });
    const records = main.deliveredRecords();
    const log = join(main.dataDir, AUDIT_LOG_FILE);
    // The log cannot be appended to: a folder stands where it was (the file is kept aside, intact).
    await rename(log, `${log}.aside`);
    await mkdir(log);
    for (const [operation, payload] of [
      ['vault.open', { records }],
      ['vault.search', { query: 'chest' }],
      ['sessions.export', { format: 'json', records }],
    ] as const) {
      const result = await main.call<{ results?: unknown[] }>(operation, payload);
      expect(result, operation).toMatchObject({ ok: false, error: { code: 'AUDIT_UNAVAILABLE' } });
      expect(JSON.stringify(result)).not.toMatch(/chest pain/i);
    }
    await rm(log, { recursive: true });
    await rename(`${log}.aside`, log);
    expect(await main.call('vault.search', { query: 'chest' })).toMatchObject({ ok: true });
  });
});
