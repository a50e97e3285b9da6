/**
 * Tier E helpers: launching the BUILT desktop app (`package.json` main → `out/main/index.js`) in the real Electron
 * with Playwright's `_electron`, in throw-away folders, against the scripted OpenAI-compatible test server.
 *
 * Electron's binary is downloaded from the internet at install time, which some machines cannot do; there the specs
 * are skipped with {@link ELECTRON_SKIPPED} as the reason. The binary is looked up the way
 * `node_modules/electron/index.js` does, WITHOUT requiring that module: since Electron 45 requiring it when the
 * binary is missing starts a download.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { DEFAULT_FAKE_MODEL, startFakeLlmServer, type FakeLlmServer } from '../fakes/fakeLlmServer';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The one line printed (and the skip reason) where Electron's binary is not installed. */
export const ELECTRON_SKIPPED =
  'Electron tier skipped: no Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD) — run `npm run test:electron` on a machine with Electron';

/** The built main process; `package.json` "main" points at it, and `npm run build` makes it. */
export const BUILT_MAIN = join(REPO_ROOT, 'out', 'main', 'index.js');

/**
 * The Electron executable `require('electron')` would return, or null when it is not installed. Mirrors
 * `node_modules/electron/index.js` (`path.txt`, `dist/`, `ELECTRON_OVERRIDE_DIST_PATH`) without its download.
 */
export function electronBinaryPath(): string | null {
  const packageDir = join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary: string | null = null;
  if (override) binary = join(override, executable || 'electron');
  else if (executable) binary = join(packageDir, 'dist', executable);
  return binary !== null && existsSync(binary) ? binary : null;
}

/** Throw-away folders for one app: everything the app may write on this run lives under `root`. */
export interface AppDirs {
  readonly root: string;
  /** `--user-data-dir`: Electron's `userData`, which is also main's data folder (profiles, keys, audit, settings). */
  readonly userData: string;
  /** The development build's `--policy <file>`. */
  readonly policyFile: string;
  /** TMPDIR, and on Linux XDG_CONFIG_HOME / XDG_CACHE_HOME, so nothing lands in the tester's own folders. */
  readonly tmp: string;
  readonly xdgConfig: string;
  readonly xdgCache: string;
}

export async function makeAppDirs(): Promise<AppDirs> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'cpa-electron-')));
  const dirs: AppDirs = {
    root,
    userData: join(root, 'user-data'),
    policyFile: join(root, 'policy', 'policy.json'),
    tmp: join(root, 'tmp'),
    xdgConfig: join(root, 'xdg-config'),
    xdgCache: join(root, 'xdg-cache'),
  };
  for (const dir of [dirs.userData, join(root, 'policy'), dirs.tmp, dirs.xdgConfig, dirs.xdgCache]) await mkdir(dir, { recursive: true });
  return dirs;
}

/** Removes a run's folders (call it last, so a failing test leaves them for inspection). */
export async function removeAppDirs(dirs: AppDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true });
}

/**
 * Writes the IT policy the app is started with (`--policy`): the test server and its model, locked. On Linux
 * Playwright's Electron loader passes `--password-store=basic`, so `safeStorage` reports `basic_text`, which the app
 * refuses unless policy allows it (check 19).
 */
export async function writePolicy(dirs: AppDirs, llmBaseUrl: string): Promise<void> {
  const policy: Record<string, unknown> = { llmBaseUrl, model: DEFAULT_FAKE_MODEL.id };
  if (process.platform === 'linux') policy.allowBasicTextKeyStorage = true;
  await writeFile(dirs.policyFile, `${JSON.stringify(policy, null, 2)}\n`);
}

/** The tester's environment without anything that would change how the app starts or what it reads. */
function appEnvironment(dirs: AppDirs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    // CPA_* are the development build's settings variables; ELECTRON_RENDERER_URL would load a dev server.
    if (key.startsWith('CPA_') || key === 'ELECTRON_RENDERER_URL' || key === 'ELECTRON_RUN_AS_NODE') continue;
    env[key] = value;
  }
  if (process.platform !== 'win32') env.TMPDIR = dirs.tmp;
  if (process.platform === 'linux') {
    env.XDG_CONFIG_HOME = dirs.xdgConfig;
    env.XDG_CACHE_HOME = dirs.xdgCache;
  }
  return env;
}

/** A running app and its first window. */
export interface LaunchedApp {
  readonly electronApp: ElectronApplication;
  readonly page: Page;
  /** Uncaught page errors and console errors seen so far. */
  readonly pageProblems: string[];
  /** Quits as a clinician would (main finishes or cancels running turns, then exits) and waits for the exit. */
  close(): Promise<void>;
}

/**
 * Launches the built app on `dirs` (`--user-data-dir`, `--policy`) and waits for its window on `app://renderer`.
 * It checks that Electron really used the temp folders, so no spec ever reads or writes a clinician's own data.
 * Main's output is attached to the test's report.
 */
export async function launchApp(dirs: AppDirs, options: { extraArgs?: readonly string[] } = {}): Promise<LaunchedApp> {
  if (!existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` before \`npm run test:electron\`.`);
  const testInfo = test.info();
  const electronApp = await _electron.launch({
    // The repository folder: Electron reads package.json (name, "type": "module", "main": out/main/index.js).
    args: [REPO_ROOT, `--user-data-dir=${dirs.userData}`, `--policy=${dirs.policyFile}`, ...(options.extraArgs ?? [])],
    cwd: REPO_ROOT,
    env: appEnvironment(dirs),
    // Playwright adds --no-sandbox on Linux unless asked; CI runners often cannot start Chromium's OS sandbox.
    chromiumSandbox: process.env.CPA_ELECTRON_CHROMIUM_SANDBOX === '1',
    timeout: 60_000,
  });
  let output = '';
  electronApp.process().stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  electronApp.process().stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await electronApp.close();
    } finally {
      await testInfo.attach(`main output (${testInfo.attachments.length + 1})`, { body: output, contentType: 'text/plain' });
    }
  };
  try {
    const paths = await electronApp.evaluate(({ app }) => ({
      userData: app.getPath('userData'),
      sessionData: app.getPath('sessionData'),
      isPackaged: app.isPackaged,
    }));
    expect(await realpath(paths.userData), 'Electron honoured --user-data-dir').toBe(await realpath(dirs.userData));
    expect(isInside(await realpath(paths.sessionData), dirs.root), 'the session data (IndexedDB) is in the temp folder').toBe(true);
    expect(paths.isPackaged, 'a development build, which reads --policy').toBe(false);
    const page = await electronApp.firstWindow();
    const pageProblems: string[] = [];
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
    });
    // The packaged origin, not a dev server: the renderer built by `npm run build`, served by main.
    await page.waitForURL(/^app:\/\/renderer\//, { waitUntil: 'domcontentloaded' });
    return { electronApp, page, pageProblems, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * The usual shape of a spec: a fresh test server and fresh folders, the app launched on them, `run`, then the app
 * quit and the server closed. The folders are removed only when `run` passed, so a failure leaves them to inspect.
 */
export async function withApp(
  run: (app: LaunchedApp, llm: FakeLlmServer) => Promise<void>,
  options: { extraArgs?: readonly string[] } = {},
): Promise<void> {
  const llm = await startFakeLlmServer({ chunkDelayMs: 2 });
  const dirs = await makeAppDirs();
  try {
    await writePolicy(dirs, llm.baseURL);
    const app = await launchApp(dirs, options);
    try {
      await run(app, llm);
    } finally {
      await app.close();
    }
  } finally {
    await llm.close();
  }
  await removeAppDirs(dirs);
}

/** True when `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export { filesContaining, filesUnder } from '../support/canaryFiles';
