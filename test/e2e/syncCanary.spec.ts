import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { canaryFound } from '../support/canaryEncodings';
import { filesUnder } from '../support/canaryFiles';
import { dumpCluster } from '../support/databaseDump';
import { startSyncServerForTests, type SyncServerForTests } from '../support/syncServerForTests';
import { CLINICIAN_PASSPHRASE, expect, fillFeverPatient, signInAsNewClinician, test } from './fixtures';
import { clinicSignIn, expectSynced, openWorkstation, sessionRows } from './syncWorkstations';

/** Each file below `folder` holding the canary in any encoding searched for, with the encodings found. */
async function filesHolding(folder: string, canary: string): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await filesUnder(folder)) {
    const found = canaryFound(await readFile(file), canary);
    if (found.length > 0) hits.push(`${file}: ${found.join(', ')}`);
  }
  return hits;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

let folder = '';
let syncServer: SyncServerForTests;

test.describe('the sync server never holds patient text (canary)', () => {
  test.beforeAll(async () => {
    // The real server with its embedded PostgreSQL; its first start runs initdb, hence the time.
    test.setTimeout(60_000);
    folder = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-canary-'));
    syncServer = await startSyncServerForTests(folder);
  });

  test.afterAll(async () => {
    await syncServer?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('a marker typed on A reaches B through the server, yet is in no file of its data folder and nowhere in a dump of its database', async ({ browser, llm }) => {
    test.setTimeout(60_000);
    const name = 'Dr Gil Canary';
    const canary = `CANARY${randomBytes(9).toString('hex')}`;
    const complaint = `Cough ${canary}`;
    const a = await openWorkstation(browser, llm, syncServer.url);
    const b = await openWorkstation(browser, llm, syncServer.url);
    try {
      await signInAsNewClinician(a.page, name);
      llm.queueReply('1. Chest X-ray. 2. CBC and CRP.', 'Repeat the chest X-ray in 6 weeks.');
      await fillFeverPatient(a.page);
      await a.page.getByLabel('Chief complaint').fill(complaint);
      await a.page.getByLabel('Allergies').fill(`Sulfonamides ${canary}`);
      await a.page.getByRole('button', { name: 'Get protocol' }).click();
      await expect(a.page.getByTestId('answer').first()).toHaveText('1. Chest X-ray. 2. CBC and CRP.');
      await a.page.getByLabel('Follow-up').fill(`Sputum culture ${canary}`);
      await a.page.getByRole('button', { name: 'Send follow-up' }).click();
      await expect(a.page.getByTestId('answer').nth(1)).toHaveText('Repeat the chest X-ray in 6 weeks.');
      await expectSynced(a.page);

      // The marker went through the server: B, signed in with the passphrase, reads all three places it was typed.
      await clinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(b.page.getByTestId('signed-in-as')).toHaveText(name);
      await sessionRows(b.page, complaint).click();
      await expect(b.page.getByRole('region', { name: 'Patient summary' })).toContainText(`Chief complaint: ${complaint}`);
      await expect(b.page.getByRole('region', { name: 'Patient summary' })).toContainText(`Sulfonamides ${canary}`);
      await expect(b.page.getByText(`Sputum culture ${canary}`)).toBeVisible();

      // Everything written is on disk: the heap files (not only the WAL) hold the rows once a checkpoint has run.
      const url = await syncServer.databaseUrl();
      // ANALYZE first: the planner's statistics copy sampled column values into pg_statistic, which the dump reads.
      await withClient(url, async (client) => {
        await client.query('ANALYZE');
        await client.query('CHECKPOINT');
      });
      expect(await filesHolding(folder, canary), 'files of the server data folder (cluster, WAL, settings) holding the marker').toEqual([]);
      expect(canaryFound(await dumpCluster(url), canary), 'encodings of the marker in a dump of every database').toEqual([]);

      // The checks can fail: the marker written in clear into the data folder, and into a table, is found by each.
      const planted = join(syncServer.dataDir, 'postgres', 'canary-self-check.txt');
      await writeFile(planted, `patient note: ${canary}\n`);
      expect(await filesHolding(folder, canary)).toEqual([`${planted}: utf8`]);
      await rm(planted);
      // (base64url reads the same when the encoding happens to hold no '+' or '/'.)
      expect(canaryFound(Buffer.from(`{"blob":"${Buffer.from(`x${canary}`).toString('base64')}"}`), canary)).toContain('base64');
      await withClient(url, async (client) => {
        await client.query('CREATE TABLE canary_self_check (note text, blob bytea)');
        await client.query('INSERT INTO canary_self_check VALUES ($1, NULL), (NULL, $2)', [`note ${canary}`, Buffer.from(canary, 'utf16le')]);
      });
      expect(canaryFound(await dumpCluster(url), canary)).toEqual(['utf8', 'utf16le']);
      await withClient(url, (client) => client.query('DROP TABLE canary_self_check'));

      expect(a.problems, 'A logged no errors').toEqual([]);
      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
