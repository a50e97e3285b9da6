import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSyncServerForTests, type SyncServerForTests } from '../support/syncServerForTests';
import { CLINICIAN_PASSPHRASE, expect, signInAsNewClinician, test } from './fixtures';
import { expectSynced, openWorkstation, submitClinicSignIn } from './syncWorkstations';

/** What the page says to a wrong passphrase (and to an unknown name: names cannot be probed). */
const WRONG = 'The passphrase is not correct for this profile.';
/** The server's RATE_LIMITED, in the page's words (asserted loosely: the wording is being made to say the wait). */
const THROTTLED = /too many|try again/i;
/**
 * Wrong passphrases the server has counted before the check below: the first three are free, then each blocks further
 * tries for a doubling delay (1 s, 2 s, 4 s, 8 s — src/server/identity/signInLimiter.ts), so after the seventh the
 * block is 8 s. One attempt from the page takes about 2.5 s on 2 busy cores (the client's KDF, which a client may not
 * make cheaper), so the shorter blocks may pass between two attempts; the 8 s one cannot.
 */
const COUNTED_FAILURES = 7;

let folder = '';
let syncServer: SyncServerForTests;

test.describe('clinic sign-in: guessing is refused and slowed', () => {
  test.beforeAll(async () => {
    // Its own server: the failures are also counted per address (every workstation here is 127.0.0.1), and would
    // slow the other specs' sign-ins. Its first start runs initdb, hence the time.
    test.setTimeout(60_000);
    folder = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-throttle-'));
    syncServer = await startSyncServerForTests(folder);
  });

  test.afterAll(async () => {
    await syncServer?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('wrong passphrases are refused, later tries are told to wait, and even the right passphrase waits out the block', async ({ browser, llm }) => {
    // Real waits: the server's blocks (1 + 2 + 4 + 8 s) are the behaviour under test, and its clock is its own process's.
    test.setTimeout(90_000);
    const name = 'Dr Fay Throttle';
    const a = await openWorkstation(browser, llm, syncServer.url);
    const b = await openWorkstation(browser, llm, syncServer.url);
    try {
      await signInAsNewClinician(a.page, name);
      await expectSynced(a.page);

      await b.page.getByRole('button', { name: 'Sign in with a clinic profile' }).click();
      const alert = b.page.getByRole('alert');
      const answers: string[] = [];
      // Wrong guesses until the server has counted enough of them; the tries it refuses to check meanwhile (blocked)
      // are not counted, so the loop goes on until the blocks have passed. Bounded, so a server that never blocks or
      // never counts fails here rather than at the test's timeout.
      for (let attempt = 0; answers.filter((answer) => answer === WRONG).length < COUNTED_FAILURES && attempt < 40; attempt += 1) {
        await submitClinicSignIn(b.page, name, `wrong guess number ${attempt}`);
        const answer = (await alert.textContent()) ?? '';
        expect(answer === WRONG || THROTTLED.test(answer), `answer to a wrong passphrase: ${answer}`).toBe(true);
        answers.push(answer);
      }
      expect(answers.slice(0, 3), 'the first tries are simply refused').toEqual([WRONG, WRONG, WRONG]);
      expect(answers.filter((answer) => answer === WRONG)).toHaveLength(COUNTED_FAILURES);
      await expect(b.page.getByTestId('signed-in-as')).toHaveCount(0);

      // Right after the seventh counted failure the block is 8 s: the correct passphrase is held back too — a guesser who
      // hits it during a block learns nothing — and it is let through once the block is over.
      await submitClinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
      await expect(alert).toHaveText(THROTTLED);
      await expect(b.page.getByTestId('signed-in-as')).toHaveCount(0);
      await expect(async () => {
        await submitClinicSignIn(b.page, name, CLINICIAN_PASSPHRASE);
        await expect(b.page.getByTestId('signed-in-as')).toHaveText(name, { timeout: 1_000 });
      }).toPass({ intervals: [1_000], timeout: 20_000 });
      expect(b.problems, 'B logged no errors').toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
