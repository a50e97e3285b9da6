import { describe, expect, it } from 'vitest';
import type { Browser, Browsers, MachineFacts } from './preflightRules.mjs';
import { SYSTEM_CHROMIUM, aptCommand, chooseChromium, debianPackagesToInstall, preflightProblem } from './preflightRules.mjs';

const PLAYWRIGHT_CHROME = '/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';

const at = (path: string, state: Browser['state']): Browser => ({ path, state });

/** A Debian machine after `npm ci`, with no Chromium of any kind: the facts each test changes one thing of. */
function bareDebian(browsers: Partial<Browsers> = {}, facts: Partial<MachineFacts> = {}): MachineFacts {
  return {
    nodeVersion: '20.20.0',
    dependenciesInstalled: true,
    hasApt: true,
    browsers: { chromiumPathEnv: null, system: at(SYSTEM_CHROMIUM, 'missing'), playwright: at(PLAYWRIGHT_CHROME, 'missing'), ...browsers },
    ...facts,
  };
}

describe('the Chromium the end-to-end tests launch', () => {
  it("is Debian's when it is installed, even beside Playwright's download", () => {
    const chosen = chooseChromium(bareDebian({ system: at(SYSTEM_CHROMIUM, 'found'), playwright: at(PLAYWRIGHT_CHROME, 'found') }).browsers);
    expect(chosen).toEqual({ path: SYSTEM_CHROMIUM, source: 'Debian package' });
  });

  it("is Playwright's download where Debian's is missing or does not start", () => {
    for (const system of ['missing', 'fails to start'] as const) {
      const chosen = chooseChromium(bareDebian({ system: at(SYSTEM_CHROMIUM, system), playwright: at(PLAYWRIGHT_CHROME, 'found') }).browsers);
      expect(chosen, `with ${SYSTEM_CHROMIUM} ${system}`).toEqual({ path: PLAYWRIGHT_CHROME, source: "Playwright's download" });
    }
  });

  it('is the one CHROMIUM_PATH names, and no other when that one is missing', () => {
    const everywhere = { system: at(SYSTEM_CHROMIUM, 'found'), playwright: at(PLAYWRIGHT_CHROME, 'found') };
    expect(chooseChromium(bareDebian({ ...everywhere, chromiumPathEnv: at('/opt/chrome/chrome', 'found') }).browsers)).toEqual({
      path: '/opt/chrome/chrome',
      source: 'CHROMIUM_PATH',
    });
    expect(chooseChromium(bareDebian({ ...everywhere, chromiumPathEnv: at('/nonexistent', 'missing') }).browsers)).toBeNull();
  });
});

describe('the preflight line', () => {
  it('is absent when Node, the dependencies and a Chromium that starts are all there', () => {
    expect(preflightProblem(bareDebian({ system: at(SYSTEM_CHROMIUM, 'found') }))).toBeNull();
    expect(preflightProblem(bareDebian({ playwright: at(PLAYWRIGHT_CHROME, 'found') }, { hasApt: false }))).toBeNull();
  });

  it('on Debian without Chromium, names the apt package to install', () => {
    const line = preflightProblem(bareDebian());
    expect(line).toContain('sudo apt-get install chromium');
    expect(line).toContain('CHROMIUM_PATH');
  });

  it("elsewhere without Chromium, names Playwright's download", () => {
    const line = preflightProblem(bareDebian({ playwright: null }, { hasApt: false }));
    expect(line).toContain('npx playwright install chromium');
    expect(line).not.toContain('apt-get');
  });

  it('for a CHROMIUM_PATH that names nothing, says so with the path, even where another Chromium is installed', () => {
    const line = preflightProblem(bareDebian({ chromiumPathEnv: at('/nonexistent', 'missing'), system: at(SYSTEM_CHROMIUM, 'found') }));
    expect(line).toBe(`CHROMIUM_PATH=/nonexistent names no file: set it to a Chromium or Chrome binary, or unset it to use ${SYSTEM_CHROMIUM}.`);
  });

  it('for a Chromium that is there but does not start, says which one and to reinstall it', () => {
    expect(preflightProblem(bareDebian({ chromiumPathEnv: at('/opt/chrome/chrome', 'fails to start') }))).toMatch(
      /^CHROMIUM_PATH=\/opt\/chrome\/chrome does not start/,
    );
    const line = preflightProblem(bareDebian({ system: at(SYSTEM_CHROMIUM, 'fails to start') }));
    expect(line).toContain(`${SYSTEM_CHROMIUM} does not start`);
    expect(line).toContain('sudo apt-get install --reinstall chromium');
  });

  it('asks for setup before anything else when the dependencies are not installed, and for a newer Node before that', () => {
    expect(preflightProblem(bareDebian({}, { dependenciesInstalled: false }))).toMatch(/^The dependencies are not installed: run `npm run setup`/);
    expect(preflightProblem(bareDebian({}, { nodeVersion: '20.18.3', dependenciesInstalled: false }))).toBe(
      'Node.js 20.18.3 is too old for these tests: install Node.js 20.19 or newer.',
    );
    expect(preflightProblem(bareDebian({ system: at(SYSTEM_CHROMIUM, 'found') }, { nodeVersion: '22.1.0' }))).toBeNull();
  });

  it('is always a single line', () => {
    const cases = [
      bareDebian(),
      bareDebian({ playwright: null }, { hasApt: false }),
      bareDebian({ system: at(SYSTEM_CHROMIUM, 'fails to start') }),
      bareDebian({ chromiumPathEnv: at('/nonexistent', 'missing') }),
      bareDebian({}, { dependenciesInstalled: false }),
      bareDebian({}, { nodeVersion: '18.0.0' }),
    ];
    for (const facts of cases) expect(preflightProblem(facts)).toMatch(/^[^\n]+$/);
  });
});

describe('what setup installs with apt', () => {
  it('runs apt-get as root, through sudo only when it asks no password, not at all without apt, and never interactively', () => {
    const noQuestions = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
    expect(aptCommand({ hasApt: true, isRoot: true, passwordlessSudo: false })).toEqual(noQuestions);
    expect(aptCommand({ hasApt: true, isRoot: false, passwordlessSudo: true })).toEqual(['sudo', '-n', ...noQuestions]);
    expect(aptCommand({ hasApt: true, isRoot: false, passwordlessSudo: false })).toBeNull();
    expect(aptCommand({ hasApt: false, isRoot: true, passwordlessSudo: true })).toBeNull();
  });

  it('installs chromium only when no browser was found, and p7zip-full only when 7za is missing', () => {
    const none = bareDebian().browsers;
    const playwrights = bareDebian({ playwright: at(PLAYWRIGHT_CHROME, 'found') }).browsers;
    expect(debianPackagesToInstall({ browsers: none, sevenZipFound: false })).toEqual(['chromium', 'p7zip-full']);
    expect(debianPackagesToInstall({ browsers: none, sevenZipFound: true })).toEqual(['chromium']);
    expect(debianPackagesToInstall({ browsers: playwrights, sevenZipFound: false })).toEqual(['p7zip-full']);
    expect(debianPackagesToInstall({ browsers: playwrights, sevenZipFound: true })).toEqual([]);
  });

  it("installs no chromium in place of the one CHROMIUM_PATH names, even when that one is missing", () => {
    const named = bareDebian({ chromiumPathEnv: at('/nonexistent', 'missing') }).browsers;
    expect(debianPackagesToInstall({ browsers: named, sevenZipFound: true })).toEqual([]);
  });

  it("installs Debian's chromium when Playwright's download is there but does not start (its libraries are missing)", () => {
    const broken = bareDebian({ playwright: at(PLAYWRIGHT_CHROME, 'fails to start') }).browsers;
    expect(debianPackagesToInstall({ browsers: broken, sevenZipFound: true })).toEqual(['chromium']);
  });
});
