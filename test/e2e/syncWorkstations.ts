/**
 * Shared setup of the Tier-C sync specs: clinician workstations (a harness with its own data folder, a browser context
 * of its own) pointed at one real sync server, and the page steps every sync journey repeats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import type { FakeLlmServer } from '../fakes/fakeLlmServer';
import { defaultHarnessDirs, startHarness, type Harness } from '../harness/harnessServer';
import { CLINICIAN_PASSPHRASE, expect } from './fixtures';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** One clinician workstation: its own harness and data folder, its own browser context, pointed at the sync server. */
export interface Workstation {
  readonly page: Page;
  /** What the page logged as errors: checked empty at the end, as the fixture's `app` does. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** How a workstation is set up beyond the model and sync servers. */
export interface WorkstationOptions {
  /** IT's label for it (policy `syncWorkstationLabel`, here through its environment variable): what colleagues see. */
  readonly label?: string;
  /** The browser window's size (a screenshot for reviewers is taken at the clinic's 1366×800); Playwright's default otherwise. */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** A new browser context on `url`, collecting the page's errors. */
async function openPage(browser: Browser, url: string, viewport?: WorkstationOptions['viewport']): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(url);
  return { context, page, problems };
}

/** A workstation whose harness runs in the test's own process (it cannot be killed, only closed). */
export async function openWorkstation(browser: Browser, llm: FakeLlmServer, syncUrl: string, options: WorkstationOptions = {}): Promise<Workstation> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-'));
  const harness: Harness = await startHarness({
    port: 0,
    llmUrl: llm.baseURL,
    syncUrl,
    dataDir,
    ...(options.label === undefined ? {} : { env: { CPA_SYNC_WORKSTATION_LABEL: options.label } }),
    ...defaultHarnessDirs(REPO_ROOT),
  });
  const { context, page, problems } = await openPage(browser, harness.url, options.viewport);
  return {
    page,
    problems,
    async close() {
      await context.close();
      await harness.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/**
 * A workstation whose harness is its own process (`npm run web`), so a test can kill it like a power cut and start it
 * again on the same data folder. It keeps its port across restarts: the page's store (IndexedDB) belongs to the
 * origin, and a reload on the same origin in the same browser context finds it, as the app finds its own after a crash.
 */
export interface KillableWorkstation extends Workstation {
  /** Main's data folder (kept across restarts): where its sync outbox lies. */
  readonly dataDir: string;
  /** SIGKILL to the harness process: no shutdown, no flush — what a power cut leaves. */
  kill(): Promise<void>;
  /** Starts the harness again on the same port and data folder and reloads the page on it (the lock screen). */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** `npm run web` as one node process (no tsx wrapper process: the kill must reach main's services themselves). */
async function startHarnessProcess(args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/harness/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /^listening on (\S+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the harness exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

/** See {@link KillableWorkstation}. */
export async function openKillableWorkstation(browser: Browser, llm: FakeLlmServer, syncUrl: string, options: WorkstationOptions = {}): Promise<KillableWorkstation> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cpa-e2e-sync-'));
  const port = await freePort();
  const args = ['--port', String(port), '--llm-url', llm.baseURL, '--sync-url', syncUrl, '--data-dir', dataDir];
  // The harness process logs to the console; its environment is the only way in for the label.
  const env: Record<string, string> = options.label === undefined ? {} : { CPA_SYNC_WORKSTATION_LABEL: options.label };
  let harness: ChildProcess | null = null;
  const first = await startHarnessProcess(args, env);
  harness = first.child;
  const { context, page, problems } = await openPage(browser, first.url);
  const kill = async (): Promise<void> => {
    const running = harness;
    harness = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  return {
    page,
    problems,
    dataDir,
    kill,
    async restart() {
      await kill();
      const next = await startHarnessProcess(args, env);
      harness = next.child;
      // Only the fragment (the per-launch secret) differs, and a fragment change alone does not reload the page.
      await page.goto('about:blank');
      await page.goto(next.url);
    },
    async close() {
      await context.close();
      const running = harness;
      harness = null;
      if (running && running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** The lock screen's "Sign in with a clinic profile", filled as a clinician new to this workstation would. */
export async function clinicSignIn(page: Page, name: string, passphrase: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in with a clinic profile' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in with a clinic profile' })).toBeVisible();
  await submitClinicSignIn(page, name, passphrase);
}

/**
 * Fills and sends the clinic sign-in form already on screen, and waits for its answer: the form clears the passphrase
 * as it sends and is busy until main answers.
 */
export async function submitClinicSignIn(page: Page, name: string, passphrase: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByLabel('Passphrase', { exact: true })).toHaveValue('');
  await expect(page.locator('form[aria-busy="true"]')).toHaveCount(0);
}

/** The lock screen's unlock of the profile already on this workstation. */
export async function unlock(page: Page, passphrase = CLINICIAN_PASSPHRASE): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

/** The profile is on the server (published at creation) once the status line says so: only then can B find it. */
export async function expectSynced(page: Page): Promise<void> {
  await expect(page.getByTestId('sync-status')).toHaveText('Synced');
}

/**
 * The sidebar's rows of sessions whose title is `complaint` (exactly: a duplicate would be a second row). A row is
 * named "age · sex · complaint" (or the complaint alone when the patient is not known), so the name ends with it.
 */
export function sessionRows(page: Page, complaint: string): Locator {
  const escaped = complaint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByRole('complementary', { name: 'Sessions' }).getByRole('button', { name: new RegExp(`^(.+ · )?${escaped}$`) });
}
