import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '../../../test/fakes/fakeLlmServer';
import { startMainForTests, TEST_PASSPHRASE, type MainForTests } from '../../../test/support/mainForTests';
import { sequentialIds, TestClock } from '../../../test/support/testClock';
import { SessionExport, type ExportOutput } from '../../shared/export';
import type { ProtocolResponse } from '../../shared/protocol';
import type { SettingsLayer } from '../../shared/settings';
import type { SealedRecord } from '../../shared/vault';
import { AUDIT_LOG_FILE } from '../audit/auditFiles';
import { EXPORT_FORMAT_AUDIT_CODE } from './exportFiles';

let server: FakeLlmServer;
let main: MainForTests;

const COMPLAINT = 'Pleuritic chest pain';
const FIRST_ANSWER = 'Consider **pulmonary embolism**; CT angiography.';
const SECOND_ANSWER = 'With SpO2 88%, give oxygen.';

async function start(settings: SettingsLayer = {}): Promise<void> {
  main = await startMainForTests({ llmBaseUrl: server.baseURL, clock: new TestClock(), newId: sequentialIds(), settings });
}

/** Every record main delivered to the page so far, as the page stored them (versions included). */
const delivered = (): SealedRecord[] => main.deliveredRecords();

/** A two-turn session; returns its id. */
async function twoTurns(): Promise<string> {
  server.queueReply(FIRST_ANSWER);
  const first = await main.call<ProtocolResponse>('protocol.generate', { patient: { age: 61, sex: 'male', chiefComplaint: COMPLAINT } });
  if (!first.ok) throw new Error(first.error.message);
  server.queueReply(SECOND_ANSWER);
  const second = await main.call<ProtocolResponse>('protocol.generate', { sessionId: first.data.sessionId, message: 'SpO2 88%' });
  if (!second.ok) throw new Error(second.error.message);
  return first.data.sessionId;
}

async function auditLog(): Promise<string> {
  return readFile(join(main.dataDir, AUDIT_LOG_FILE), 'utf8');
}

beforeEach(async () => {
  server = await startFakeLlmServer();
});
afterEach(async () => {
  await main.close();
  await server.close();
});

describe('session export', () => {
  it('exports JSON that matches the published schema, with every turn and its facts', async () => {
    await start();
    const sessionId = await twoTurns();
    const answer = await main.call<ExportOutput>('sessions.export', { format: 'json', records: delivered() });
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.data).toMatchObject({ format: 'json', mimeType: 'application/json', encoding: 'utf8' });
    expect(answer.data.fileName).toMatch(/^session-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = SessionExport.parse(JSON.parse(answer.data.content));
    expect(doc.session.sessionId).toBe(sessionId);
    expect(doc.patient.chiefComplaint).toBe(COMPLAINT);
    expect(doc.patientSummary).toContain(`Chief complaint: ${COMPLAINT}`);
    // The pending version of each turn and its outcome share a record id: one turn each, the outcome.
    expect(doc.turns.map((turn) => [turn.seq, turn.status, turn.message, turn.answerMarkdown])).toEqual([
      [1, 'complete', expect.any(String), FIRST_ANSWER],
      [2, 'complete', 'SpO2 88%', SECOND_ANSWER],
    ]);
    for (const turn of doc.turns) {
      expect(turn.model).toBeTruthy();
      expect(turn.endpoint).toBe(server.baseURL);
      expect(turn.inferenceTimeMs).toBeGreaterThanOrEqual(0);
      expect(turn.incompleteReason).toBeNull();
    }
  });

  it('exports Markdown and a print-ready HTML for PDF where the build has no printer; with one, a PDF', async () => {
    await start();
    await twoTurns();
    const markdown = await main.call<ExportOutput>('sessions.export', { format: 'markdown', records: delivered() });
    if (!markdown.ok) throw new Error(markdown.error.message);
    expect(markdown.data.mimeType).toBe('text/markdown');
    expect(markdown.data.content).toContain('## Patient summary');
    expect(markdown.data.content).toContain(`- Chief complaint: ${COMPLAINT}`);
    expect(markdown.data.content).toContain(FIRST_ANSWER);
    expect(markdown.data.content).toContain('> SpO2 88%');
    expect(markdown.data.content).toMatch(/- \*\*Inference time:\*\* \d+\.\d s/);

    const pdf = await main.call<ExportOutput>('sessions.export', { format: 'pdf', records: delivered() });
    if (!pdf.ok) throw new Error(pdf.error.message);
    expect(pdf.data).toMatchObject({ format: 'pdf', mimeType: 'text/html', encoding: 'utf8' });
    expect(pdf.data.content).toContain('Consider **pulmonary embolism**');
    expect(pdf.data.content).toContain(`default-src 'none'`);
    expect(pdf.data.content).not.toMatch(/<script/i);
  });

  it('escapes the session’s text in the printed document', async () => {
    await start();
    server.queueReply('<img src=x onerror=alert(1)>');
    const first = await main.call<ProtocolResponse>('protocol.generate', { patient: { age: 61, sex: 'male', chiefComplaint: '<b>pain</b>' } });
    if (!first.ok) throw new Error(first.error.message);
    const pdf = await main.call<ExportOutput>('sessions.export', { format: 'pdf', records: delivered() });
    if (!pdf.ok) throw new Error(pdf.error.message);
    expect(pdf.data.content).not.toContain('<img');
    expect(pdf.data.content).not.toContain('<b>pain');
    expect(pdf.data.content).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('audits each export with profile, session id and format only — no patient text', async () => {
    await start();
    const sessionId = await twoTurns();
    for (const format of ['markdown', 'json', 'pdf'] as const) {
      expect(await main.call('sessions.export', { format, records: delivered() })).toMatchObject({ ok: true });
    }
    await vi.waitFor(async () => expect((await auditLog()).match(/session\.exported/g)).toHaveLength(3));
    const log = await auditLog();
    const exported = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.action === 'session.exported');
    expect(exported.map((entry) => [entry.objectId, entry.count])).toEqual([
      [sessionId, EXPORT_FORMAT_AUDIT_CODE.markdown],
      [sessionId, EXPORT_FORMAT_AUDIT_CODE.json],
      [sessionId, EXPORT_FORMAT_AUDIT_CODE.pdf],
    ]);
    expect(exported.every((entry) => typeof entry.profileId === 'string')).toBe(true);
    expect(log).not.toMatch(/Pleuritic|embolism|SpO2|oxygen/);
  });

  it('is refused when IT policy turns exports off, before anything is opened or audited', async () => {
    await start({ exportAllowed: false });
    await twoTurns();
    const answer = await main.call('sessions.export', { format: 'markdown', records: delivered() });
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/policy/) } });
    expect(JSON.stringify(answer)).not.toMatch(/Pleuritic|embolism/);
    await main.call('auth.lock');
    await vi.waitFor(async () => expect(await auditLog()).toMatch(/auth\.locked/));
    expect(await auditLog()).not.toMatch(/session\.exported/);
  });

  it('refuses another clinician’s session, whether its records say so or claim the caller', async () => {
    await start();
    await twoTurns();
    const records = delivered();
    await main.call('auth.lock');
    const created = await main.call<{ profileId: string }>('auth.createProfile', { name: 'Dr Other', passphrase: `${TEST_PASSPHRASE} two` });
    if (!created.ok) throw new Error(created.error.message);
    const otherId = created.data.profileId;
    expect(await main.call('sessions.export', { format: 'json', records })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const relabelled = records.map((record) => ({ ...record, ownerId: otherId }));
    expect(await main.call('sessions.export', { format: 'json', records: relabelled })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses records of several sessions at once', async () => {
    await start();
    await twoTurns();
    await twoTurns();
    expect(await main.call('sessions.export', { format: 'json', records: delivered() })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
