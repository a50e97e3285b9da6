/** Types of scripts/preflightRules.mjs (read by playwright.config.ts and scripts/preflightRules.test.ts). */

/** A browser binary as the caller found it: `found` when it exists (and started, where the caller tried it). */
export interface Browser {
  readonly path: string;
  readonly state: 'found' | 'missing' | 'fails to start';
}

/** The Chromium binaries the end-to-end tests could launch. */
export interface Browsers {
  /** The one CHROMIUM_PATH names; null when it is not set. */
  readonly chromiumPathEnv: Browser | null;
  /** Debian's, at SYSTEM_CHROMIUM. */
  readonly system: Browser;
  /** Playwright's own download; null when Playwright itself is not installed. */
  readonly playwright: Browser | null;
}

/** The browser chosen, and where it came from (for the line that says so). */
export interface ChosenChromium {
  readonly path: string;
  readonly source: 'CHROMIUM_PATH' | 'Debian package' | "Playwright's download";
}

/** What the preflight needs to know about the machine. */
export interface MachineFacts {
  /** `process.versions.node`. */
  readonly nodeVersion: string;
  /** Whether `npm ci` has run (node_modules holds the lockfile's packages). */
  readonly dependenciesInstalled: boolean;
  readonly browsers: Browsers;
  /** Whether apt-get is on PATH (Debian, Ubuntu): the install advice names apt then. */
  readonly hasApt: boolean;
}

export declare const SYSTEM_CHROMIUM: string;
export declare const MINIMUM_NODE: string;
export declare function chooseChromium(browsers: Browsers): ChosenChromium | null;
export declare function preflightProblem(facts: MachineFacts): string | null;
export declare function aptCommand(facts: { hasApt: boolean; isRoot: boolean; passwordlessSudo: boolean }): string[] | null;
export declare function debianPackagesToInstall(facts: { browsers: Browsers; sevenZipFound: boolean }): string[];
