// @ts-check
/**
 * What `npm test` needs on a machine, decided from plain facts: which Chromium the end-to-end tests launch, the one
 * line that says what is missing, and what `npm run setup` may install. Plain JavaScript with no dependencies, so the
 * preflight runs before anything is installed. scripts/preflight.mjs gathers the facts, scripts/setup.mjs acts on
 * them, playwright.config.ts launches the browser chosen here; the types are in preflightRules.d.mts.
 */

/** Where Debian's `chromium` package puts the browser. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The oldest Node.js the project runs on (package.json `engines`). */
export const MINIMUM_NODE = '20.19';

/**
 * The Chromium the end-to-end tests launch: the one CHROMIUM_PATH names when it is set — never another in its place,
 * so a mistyped path is reported rather than quietly replaced — else Debian's, else Playwright's own download.
 * Only a browser found (and, where the caller tried, started) is chosen.
 *
 * @param {import('./preflightRules.d.mts').Browsers} browsers
 * @returns {import('./preflightRules.d.mts').ChosenChromium | null}
 */
export function chooseChromium(browsers) {
  if (browsers.chromiumPathEnv !== null) {
    return browsers.chromiumPathEnv.state === 'found' ? { path: browsers.chromiumPathEnv.path, source: 'CHROMIUM_PATH' } : null;
  }
  if (browsers.system.state === 'found') return { path: browsers.system.path, source: 'Debian package' };
  if (browsers.playwright?.state === 'found') return { path: browsers.playwright.path, source: "Playwright's download" };
  return null;
}

/**
 * The one line saying what to install (or set) before `npm test` can pass, or null when nothing is missing. Only the
 * first problem is named: one line is read where a screenful is skipped, and the next run names the next one.
 *
 * @param {import('./preflightRules.d.mts').MachineFacts} facts
 * @returns {string | null}
 */
export function preflightProblem(facts) {
  if (olderThan(facts.nodeVersion, MINIMUM_NODE)) {
    return `Node.js ${facts.nodeVersion} is too old for these tests: install Node.js ${MINIMUM_NODE} or newer.`;
  }
  if (!facts.dependenciesInstalled) return 'The dependencies are not installed: run `npm run setup` (or `npm ci`), then `npm test`.';
  if (chooseChromium(facts.browsers) !== null) return null;

  const named = facts.browsers.chromiumPathEnv;
  if (named !== null) {
    return named.state === 'missing'
      ? `CHROMIUM_PATH=${named.path} names no file: set it to a Chromium or Chrome binary, or unset it to use ${SYSTEM_CHROMIUM}.`
      : `CHROMIUM_PATH=${named.path} does not start (\`${named.path} --version\` fails): set it to a working Chromium or Chrome, or unset it.`;
  }
  if (facts.browsers.system.state === 'fails to start') {
    const reinstall = facts.hasApt ? '`sudo apt-get install --reinstall chromium`' : '`npx playwright install chromium`';
    return `The end-to-end tests need Chromium, and ${SYSTEM_CHROMIUM} does not start (\`${SYSTEM_CHROMIUM} --version\` fails): run ${reinstall}, or set CHROMIUM_PATH to a working one.`;
  }
  const install = facts.hasApt ? '`sudo apt-get install chromium` (or `npm run setup` as root)' : '`npx playwright install chromium`';
  return `The end-to-end tests need Chromium and none was found: install it with ${install}, or set CHROMIUM_PATH=/path/to/chrome.`;
}

/**
 * How setup may run apt-get: directly as root, through `sudo -n` when sudo needs no password, otherwise not at all
 * (setup never stops to ask for a password). Null also where there is no apt-get (not Debian or Ubuntu). The command
 * sets DEBIAN_FRONTEND itself because sudo drops the caller's environment, and a package asking a question would
 * hang setup.
 *
 * @param {{ hasApt: boolean, isRoot: boolean, passwordlessSudo: boolean }} facts
 * @returns {string[] | null} the command to which apt-get's arguments are appended
 */
export function aptCommand(facts) {
  if (!facts.hasApt || !(facts.isRoot || facts.passwordlessSudo)) return null;
  return [...(facts.isRoot ? [] : ['sudo', '-n']), 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
}

/**
 * The Debian packages setup installs: `chromium` when no browser was found (Playwright's download included) and
 * CHROMIUM_PATH does not name one — a named browser is the clinician's choice, reported if broken, never replaced —
 * and `p7zip-full` when `7za` is missing: package:check builds the tar.gz with it, and skips that build without it.
 *
 * @param {{ browsers: import('./preflightRules.d.mts').Browsers, sevenZipFound: boolean }} facts
 * @returns {string[]}
 */
export function debianPackagesToInstall(facts) {
  const needsChromium = facts.browsers.chromiumPathEnv === null && chooseChromium(facts.browsers) === null;
  return [...(needsChromium ? ['chromium'] : []), ...(facts.sevenZipFound ? [] : ['p7zip-full'])];
}

/**
 * Whether version `actual` (e.g. "20.18.1") is older than `minimum` ("20.19"), by major then minor.
 *
 * @param {string} actual
 * @param {string} minimum
 */
function olderThan(actual, minimum) {
  const [major = 0, minor = 0] = actual.split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = minimum.split('.').map(Number);
  return major < needMajor || (major === needMajor && minor < needMinor);
}
