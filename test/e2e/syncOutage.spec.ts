import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { filesUnder } from '../support/canaryFiles';
import { startSyncServerForTests, type SyncServerForTests } from '../support/syncServerForTests';
import { CLINICIAN_PASSPHRASE, expect, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { clinicSignIn, expectSynced, openKillableWorkstation, openWorkstation, sessionRows, unlock } from './syncWorkstations';

/**
 * How many items wait in the outboxes under a workstation's data folder (`sync/<profile>/outbox.jsonl`), read from
 * disk as the next start will: `add` lines not answered by a `done` line of the same item and version (outboxFormat.ts).
 */
async function itemsWaitingOnDisk(dataDir: string): Promise<number> {
  const outboxes = (await filesUnder(dataDir)).filter((file) => basename(file) === 'outbox.jsonl');
  const waiting = new Map<string, number>();
  for (const file of outboxes) {
    for (const text of (await readFile(file, 'utf8')).split('\n')) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as { op: string; kind?: string; id?: string; version?: number; item?: { kind: string; id: string; version: number } };
      if (line.op === 'add' && line.item) waiting.set(`${file}:${line.item.kind}:${line.item.id}`, line.item.version);
      const key = `${file}:${line.kind}:${line.id}`;
      if (line.op === 'done' && (waiting.get(key) ?? Infinity) <= (line.version ?? -1)) waiting.delete(key);
    }
  }
  return waiting.size;
}

/** "Offline since 17:42 (3 waiting)": the time of the last completed sync, and what is queued since. */
const OFFLINE_WITH_WAITING = /^Offline since \d{1,2}:\d{2} \([1-9]\d* waiting\)$/;

let folder = '';
let syncServer: SyncServerForTests;

test.describe('sync server outages: nothing acknowledged is lost, nothing arrives twice', () => {
  test.beforeAll(async () => {
    // The real server with its embedded PostgreSQL; its first start runs initdb, hence the time.
    test.setTimeout(60_000);
    folder = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-outage-'));
    syncServer = await startSyncServerForTests(folder);
  });

  test.afterAll(async () => {
    await syncServer?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('with the sync server stopped A keeps working; after the restart its session reaches B once, with both turns', async ({ browser, llm }) => {
    test.setTimeout(60_000);
    const name = 'Dr Dana Outage';
    const complaint = 'Pleuritic chest pain since this morning';
    const a = await openWorkstation(browser, llm, syncServer.url);
    const b = await openWorkstation(browser, llm, syncServer.url);
    try {
      await signInAsNewClinician(a.page, name);
      await expectSynced(a.page);
      await clinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(b.page.getByTestId('signed-in-as')).toHaveText(name);
      await expectSynced(b.page);

      await syncServer.stop();
      llm.queueReply('Consider pulmonary embolism; arrange CT angiography.', 'Start anticoagulation if no contraindication.');
      await fillFeverPatient(a.page);
      await a.page.getByLabel('Chief complaint').fill(complaint);
      await a.page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(a.page.getByTestId('answer').first()).toHaveText('Consider pulmonary embolism; arrange CT angiography.');
      await a.page.getByLabel('Follow-up').fill('Wells score 6');
      await a.page.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(a.page.getByTestId('answer').nth(1)).toHaveText('Start anticoagulation if no contraindication.');
      // Clinical work did not wait for sync; the line says since when A is offline and that the turns are queued.
      await expect(a.page.getByTestId('sync-status')).toHaveText(OFFLINE_WITH_WAITING);
      await expect(sessionRows(b.page, complaint)).toHaveCount(0);

      await syncServer.restart();
      await a.page.getByRole('button', { name: 'Sync now' }).click();
      await expectSynced(a.page);
      await b.page.getByRole('button', { name: 'Sync now' }).click();
      await expectSynced(b.page);
      await expect(sessionRows(b.page, complaint)).toHaveCount(1);
      await expect(sessionRows(b.page, complaint)).toHaveAccessibleDescription(/2 turns/);
      await sessionRows(b.page, complaint).click();
      await expect(b.page.getByTestId('answer')).toHaveText(['Consider pulmonary embolism; arrange CT angiography.', 'Start anticoagulation if no contraindication.']);
      await expect(sessionRows(a.page, complaint)).toHaveCount(1);
      await expect(sessionRows(a.page, complaint)).toHaveAccessibleDescription(/2 turns/);

      expect(a.problems, 'A logged no errors').toEqual([]);
      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('A killed after the page acknowledged a turn but before its push: after restart the session reaches B exactly once', async ({ browser, llm }) => {
    // Two starts of a harness process (tsx compiles main and vite bundles the bridge each time): about 8 s each on
    // 2 busy cores, so this one gets more room than the in-process workstations need.
    test.setTimeout(90_000);
    const name = 'Dr Eli Crash';
    const complaint = 'Sudden severe headache';
    const a = await openKillableWorkstation(browser, llm, syncServer.url);
    const b = await openWorkstation(browser, llm, syncServer.url);
    try {
      await signInAsNewClinician(a.page, name);
      await expectSynced(a.page);
      await clinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(b.page.getByTestId('signed-in-as')).toHaveText(name);

      // The server is down while A's turn completes, so the turn is acknowledged (shown, stored by the page) and its
      // records are held in A's outbox: the kill lands deterministically between acknowledgement and push.
      await syncServer.stop();
      llm.queueReply('Arrange urgent non-contrast CT head.');
      await fillFeverPatient(a.page);
      await a.page.getByLabel('Chief complaint').fill(complaint);
      await a.page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(a.page.getByTestId('answer').first()).toHaveText('Arrange urgent non-contrast CT head.');
      await expect(a.page.getByTestId('sync-status')).toHaveText(OFFLINE_WITH_WAITING);
      const waiting = Number(/\((\d+) waiting\)/.exec((await a.page.getByTestId('sync-status').textContent()) ?? '')?.[1]);
      await a.kill();
      // The kill landed before the push: what the status line counted is in A's outbox on disk.
      expect(await itemsWaitingOnDisk(a.dataDir)).toBe(waiting);

      await syncServer.restart();
      await a.restart();
      await unlock(a.page);
      await expect(a.page.getByTestId('signed-in-as')).toHaveText(name);
      // The outbox survived the kill and is pushed at unlock: nothing is waiting any more.
      await expectSynced(a.page);
      expect(await itemsWaitingOnDisk(a.dataDir)).toBe(0);
      await expect(sessionRows(a.page, complaint)).toHaveCount(1);

      await b.page.getByRole('button', { name: 'Sync now' }).click();
      await expectSynced(b.page);
      await expect(sessionRows(b.page, complaint)).toHaveCount(1);
      await expect(sessionRows(b.page, complaint)).toHaveAccessibleDescription(/1 turn\b/);
      await sessionRows(b.page, complaint).click();
      await expect(b.page.getByTestId('answer')).toHaveText(['Arrange urgent non-contrast CT head.']);

      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
