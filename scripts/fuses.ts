/**
 * Check 9 (release fuses), the package-time part: the fuse settings, in this one place, and the step that flips
 * them into the packaged Electron binary. electron-builder runs it after packing, before signing
 * (`afterPack: ./build/afterPack.mjs`, which loads this file); signing then seals the flipped bits.
 *
 *   - Release builds get RELEASE_FUSES. A test build (`CPA_TEST_BUILD=1`) differs only in
 *     EnableNodeCliInspectArguments, which Playwright's `_electron` needs to attach; never ship one.
 *   - A failure to flip, or a binary that does not read back as set, throws: the build fails.
 *   - The only skip is `CPA_ELECTRON_STAND_IN=1`, which scripts/packageCheck.ts sets when it packages its
 *     stand-in Electron (a shell script, no fuse wire). The flag is refused when no `electronDist` is
 *     configured, since then electron-builder packaged a real, downloaded Electron.
 */
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';

export type FuseName = keyof typeof FuseV1Options;
export type FuseSettings = Readonly<Record<FuseName, boolean>>;

/** Set by scripts/packageCheck.ts, and only there: the Electron being packaged is its stand-in. */
export const STAND_IN_ENV = 'CPA_ELECTRON_STAND_IN';
/** `1` builds the test variant: the inspect fuse stays on for Playwright's `_electron`. */
export const TEST_BUILD_ENV = 'CPA_TEST_BUILD';
export const STAND_IN_SKIP_MESSAGE = `fuses: skipped — stand-in Electron (${STAND_IN_ENV}=1)`;

/** Every fuse @electron/fuses knows, decided: a new one fails the type check until it is decided here. */
export const RELEASE_FUSES: FuseSettings = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.js (a "living off the land"
  // tool with the app's identity and keychain access). The app starts no Node child processes (no fork).
  RunAsNode: false,
  // Chromium's cookie store encrypted with the OS key store, as in Chrome. The app uses no cookies (src/ never
  // touches them); should a page or a server ever set one, it does not lie on disk in plain text.
  EnableCookieEncryption: true,
  // NODE_OPTIONS could inject --require/--import code into main, which holds every key.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect/--inspect-brk would let anyone who can start the app attach a debugger to main.
  EnableNodeCliInspectArguments: false,
  // The asar's header hash (embedded by electron-builder: Info.plist on macOS, a resource on Windows) is
  // checked at start-up, so an edited app.asar does not run. Not enforced on Linux by Electron.
  EnableEmbeddedAsarIntegrityValidation: true,
  // Only resources/app.asar is loaded: no app/ folder or default_app.asar beside it can replace the code
  // (without this the integrity check above could be bypassed).
  OnlyLoadAppFromAsar: true,
  // The app ships no custom V8 snapshot; keep the standard one.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The app loads its pages from its own app:// scheme, never file://; file:// gets no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
});

/** The test build: the release settings with the inspect fuse on (check 9: the only difference). */
export const TEST_BUILD_FUSES: FuseSettings = Object.freeze({ ...RELEASE_FUSES, EnableNodeCliInspectArguments: true });

export function fuseSettings(testBuild: boolean): FuseSettings {
  return testBuild ? TEST_BUILD_FUSES : RELEASE_FUSES;
}

/** A flag variable: `1` is on; unset, empty or `0` is off; anything else is a mistake worth stopping for. */
export function readFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`${name} must be 1 or unset, not ${JSON.stringify(value)}`);
}

/**
 * The @electron/fuses config for `settings`. On macOS flipping breaks the binary's ad-hoc signature (arm64
 * will not start with a broken one), so it is re-applied; electron-builder then signs with the real identity.
 */
export function toFuseConfig(settings: FuseSettings, electronPlatformName: string): FuseV1Config {
  const wire: Partial<Record<FuseV1Options, boolean>> = {};
  for (const name of Object.keys(settings) as FuseName[]) wire[FuseV1Options[name]] = settings[name];
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' || electronPlatformName === 'mas',
    ...wire,
  };
}

/** The parts of electron-builder's AfterPackContext this step reads. */
export interface FusePackContext {
  readonly appOutDir: string;
  readonly electronPlatformName: string;
  readonly packager: {
    readonly appInfo: { readonly productFilename: string };
    /** LinuxPackager only. */
    readonly executableName?: string;
    readonly config: { readonly electronDist?: unknown };
  };
}

/** Where electron-builder put the Electron executable (as its own `addElectronFuses` computes it). */
export function electronBinaryPath(context: FusePackContext): string {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'linux':
      if (!packager.executableName) throw new Error('fuses: the Linux packager has no executableName');
      return join(appOutDir, packager.executableName);
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    default:
      throw new Error(`fuses: unknown platform ${JSON.stringify(electronPlatformName)}`);
  }
}

/** Fuse wire bytes (@electron/fuses `FuseState`, which its index does not export). */
const FUSE_STATE = { disabled: 0x30, enabled: 0x31, removed: 0x72 } as const;

function describeState(state: number | undefined): string {
  if (state === FUSE_STATE.enabled) return 'on';
  if (state === FUSE_STATE.disabled) return 'off';
  if (state === FUSE_STATE.removed) return 'removed from this Electron';
  return state === undefined ? 'absent (the fuse wire is too short)' : `unknown state ${state}`;
}

/** The fuses whose state in `wire` (from `getCurrentFuseWire`) is not what `settings` asks for. */
export function fuseMismatches(wire: Readonly<Record<string, unknown>>, settings: FuseSettings): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(settings) as FuseName[]) {
    const raw = wire[FuseV1Options[name]];
    const state = typeof raw === 'number' ? raw : undefined;
    const wanted = settings[name] ? FUSE_STATE.enabled : FUSE_STATE.disabled;
    if (state !== wanted) problems.push(`${name}: wanted ${settings[name] ? 'on' : 'off'}, binary has ${describeState(state)}`);
  }
  return problems;
}

export interface FuseDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly flipFuses: typeof flipFuses;
  readonly getCurrentFuseWire: typeof getCurrentFuseWire;
  readonly log: (line: string) => void;
}

const DEFAULT_DEPS: FuseDeps = { env: process.env, flipFuses, getCurrentFuseWire, log: (line) => console.log(line) };

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The afterPack step: flips the fuses into the packaged binary and reads them back. Throws on any failure,
 * so electron-builder stops before signing. Returns what it did.
 */
export async function applyFuses(context: FusePackContext, deps: Partial<FuseDeps> = {}): Promise<'flipped' | 'skipped'> {
  const { env, log, flipFuses: flip, getCurrentFuseWire: readWire } = { ...DEFAULT_DEPS, ...deps };
  const standIn = readFlag(env, STAND_IN_ENV);
  const testBuild = readFlag(env, TEST_BUILD_ENV);

  if (standIn) {
    const dist = context.packager.config.electronDist;
    if (typeof dist !== 'string' || dist === '') {
      throw new Error(
        `fuses: ${STAND_IN_ENV}=1 but no electronDist is configured, so electron-builder packaged a real Electron; ` +
          `refusing to skip the fuses (unset ${STAND_IN_ENV})`,
      );
    }
    log(STAND_IN_SKIP_MESSAGE);
    return 'skipped';
  }

  const binary = electronBinaryPath(context);
  const settings = fuseSettings(testBuild);
  if (testBuild) log(`fuses: TEST BUILD (${TEST_BUILD_ENV}=1): EnableNodeCliInspectArguments stays on for Playwright; never ship this build`);

  try {
    await flip(binary, toFuseConfig(settings, context.electronPlatformName));
  } catch (error) {
    throw new Error(`fuses: flipping failed on ${binary}: ${errorMessage(error)}`, { cause: error });
  }

  let wire: Readonly<Record<string, unknown>>;
  try {
    wire = await readWire(binary);
  } catch (error) {
    throw new Error(`fuses: reading back the fuse wire of ${binary} failed: ${errorMessage(error)}`, { cause: error });
  }
  const problems = fuseMismatches(wire, settings);
  if (problems.length > 0) throw new Error(`fuses: ${binary} does not read back as set:\n  ${problems.join('\n  ')}`);

  const known = Object.keys(settings).length;
  const extra = Object.keys(wire).filter((key) => /^\d+$/.test(key) && Number(key) >= known);
  if (extra.length > 0) {
    log(`fuses: the binary has ${known + extra.length} fuses; fuse(s) ${extra.join(', ')} are unknown to @electron/fuses and keep Electron's defaults`);
  }
  const summary = (Object.keys(settings) as FuseName[]).map((name) => `${name}=${settings[name] ? 'on' : 'off'}`).join(', ');
  log(`fuses: ${testBuild ? 'test build' : 'release'} fuses flipped and read back on ${binary}: ${summary}`);
  return 'flipped';
}
