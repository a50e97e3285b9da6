import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startSyncServerForTests, type SyncServerForTests } from '../support/syncServerForTests';
import { expectRegionAccessible } from './accessibilityChecks';
import { clinicSignIn, openWorkstation } from './syncWorkstations';
import { CLINICIAN_PASSPHRASE, expect, fillFeverPatient, signInAsNewClinician, test, twoAnsweredSessions } from './fixtures';

const COMPLAINT = 'Fever and productive cough for 3 days';

const sessionsOf = (page: Page) => page.getByRole('complementary', { name: 'Sessions' });
const rowOf = (page: Page) => sessionsOf(page).getByRole('button', { name: COMPLAINT });

let folder = '';
let syncServer: SyncServerForTests;

test.describe('deleting a session, on every workstation of the clinician', () => {
  test.beforeAll(async () => {
    // The real server with its embedded PostgreSQL, as IT starts it; first start runs initdb, hence the time.
    test.setTimeout(60_000);
    folder = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-delete-server-'));
    syncServer = await startSyncServerForTests(folder);
  });

  test.afterAll(async () => {
    await syncServer?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('B deletes the session through a confirmation; it leaves A at once — sidebar, open session and search', async ({ browser, llm }) => {
    test.setTimeout(90_000);
    const name = 'Dr Ada Delete';
    const a = await openWorkstation(browser, llm, syncServer.url);
    const b = await openWorkstation(browser, llm, syncServer.url);
    try {
      await signInAsNewClinician(a.page, name);
      await expect(a.page.getByTestId('sync-status')).toHaveText('Synced');
      // A keeps another session, so its search has something to look through; the fever one stays open on A.
      await twoAnsweredSessions(a.page, llm);
      await expect(rowOf(a.page)).toBeVisible();

      await clinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(b.page.getByTestId('signed-in-as')).toHaveText(name);
      await expect(rowOf(b.page)).toHaveAccessibleDescription(/1 turn/);
      await rowOf(b.page).click();
      await expect(b.page.getByText('Session (read-only)')).toBeVisible();

      // The confirmation: an alert dialog saying where the delete reaches, Cancel first, the keyboard kept inside.
      const opener = b.page.getByRole('button', { name: 'Delete session' });
      await opener.click();
      const dialog = b.page.getByRole('alertdialog', { name: 'Delete this session?' });
      await expect(dialog).toHaveAccessibleDescription("Deletes this patient's session on every workstation of the clinic. It cannot be undone.");
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
      // Modal: the app behind can be neither focused nor read while it shows.
      await expect(b.page.locator('#root')).toHaveAttribute('inert', '');
      await b.page.keyboard.press('Tab');
      await expect(dialog.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
      await b.page.keyboard.press('Tab');
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await b.page.keyboard.press('Shift+Tab');
      await expect(dialog.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
      await expectRegionAccessible(dialog, 'the delete confirmation');
      // Escape cancels: nothing deleted, the focus back on the button that opened it.
      await b.page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(opener).toBeFocused();
      await expect(b.page.locator('#root')).not.toHaveAttribute('inert');
      await expect(rowOf(b.page)).toBeVisible();

      await opener.click();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(dialog).toHaveCount(0);
      await expect(sessionsOf(b.page).getByTestId('history-notice')).toContainText('Session deleted.');
      await expect(rowOf(b.page)).toHaveCount(0);
      await expect(b.page.getByText('Session (read-only)')).toHaveCount(0);

      // A: no reload, no click, no "Sync now" — the live feed brings the tombstone and the page drops the session,
      // closing it where it was open.
      await expect(rowOf(a.page)).toHaveCount(0);
      await expect(sessionsOf(a.page).getByTestId('history-notice')).toContainText('This session was deleted on another workstation.');
      await expect(a.page.getByTestId('answer')).toHaveCount(0);
      await expect(sessionsOf(a.page).getByRole('button', { name: 'Pleuritic chest pain' })).toBeVisible();
      // Nor does A's search find it (main's index dropped it with the key; the page's rows are gone).
      await sessionsOf(a.page).getByLabel('Search sessions').fill('productive cough');
      await expect(sessionsOf(a.page).getByTestId('sessions-summary')).toHaveText('0 sessions match.');
      await expect(sessionsOf(a.page).getByRole('button', { name: COMPLAINT })).toHaveCount(0);
      // Nor can A reopen it: a fresh page over the same store (main is still unlocked) lists only the other session.
      await a.page.reload();
      await expect(a.page.getByTestId('signed-in-as')).toHaveText(name);
      await expect(sessionsOf(a.page).getByTestId('sessions-summary')).toHaveText('1 session');
      await expect(rowOf(a.page)).toHaveCount(0);

      expect(a.problems, 'A logged no errors').toEqual([]);
      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a session made while the sync server is down says "Not yet synced" until "Sync now" sends it', async ({ browser, llm }) => {
    test.setTimeout(90_000);
    const a = await openWorkstation(browser, llm, syncServer.url);
    try {
      await signInAsNewClinician(a.page, 'Dr Ben Marker');
      await expect(a.page.getByTestId('sync-status')).toHaveText('Synced');
      await syncServer.stop();
      try {
        llm.queueReply('Start oxygen and antibiotics.');
        await fillFeverPatient(a.page);
        await a.page.getByRole('button', { name: 'Get protocol' }).click();
        await expect(a.page.getByTestId('answer').first()).toHaveText('Start oxygen and antibiotics.');
        await expect(rowOf(a.page)).toHaveAccessibleDescription(/Not yet synced/);
        await expect(rowOf(a.page).getByTestId('unsynced-marker')).toHaveAttribute('title', /not reached the clinic's sync server/);
      } finally {
        await syncServer.restart();
      }
      await a.page.getByRole('button', { name: 'Sync now' }).click();
      await expect(a.page.getByTestId('sync-status')).toHaveText('Synced');
      await expect(rowOf(a.page)).not.toHaveAccessibleDescription(/Not yet synced/);
      await expect(rowOf(a.page).getByTestId('unsynced-marker')).toHaveCount(0);
      expect(a.problems, 'A logged no errors').toEqual([]);
    } finally {
      await a.close();
    }
  });
});
