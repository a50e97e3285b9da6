/**
 * `npm run web -- --port <p> --llm-url <url> [--sync-url <url>] [--data-dir <dir>] [--policy <file>]`: the browser harness.
 * Builds the app if there is no build yet, starts main's services behind the loopback transport, and prints
 * one line, `listening on <url>`, with the per-launch secret in the URL's fragment. Never part of a release.
 * `npm run web -- --validate-policy <file>` only checks a policy file (exit 0 valid, 2 invalid) and starts nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../src/main/core/configError';
import { runPolicyValidation } from '../../src/main/config/validatePolicy';
import { createConsoleLogger } from '../../src/main/core/logger';
import { defaultHarnessDirs, startHarness } from './harnessServer';

const USAGE =
  'usage: npm run web -- --port <port> [--llm-url <url>] [--sync-url <url>] [--data-dir <dir>] [--allow-persistent-data-dir] [--policy <file>] [--rebuild]\n' +
  '       npm run web -- --validate-policy <file>';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5174' },
      'llm-url': { type: 'string' },
      'sync-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'allow-persistent-data-dir': { type: 'boolean', default: false },
      policy: { type: 'string' },
      'validate-policy': { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values['validate-policy'] !== undefined) {
    // Before any build or server: the check reads one file and nothing else. exitCode, not exit(), lets output drain.
    process.exitCode = await runPolicyValidation(values['validate-policy'], process);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be a port number (0–65535), got "${values.port}"`);
  const repoRoot = resolve(import.meta.dirname, '..', '..');
  const dirs = defaultHarnessDirs(repoRoot);
  if (values.rebuild || !existsSync(join(dirs.rendererDir, 'index.html'))) {
    console.error('building the app (electron-vite build)…');
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const dataDir = await chooseDataDir(values['data-dir'], values['allow-persistent-data-dir']);
  const harness = await startHarness({
    port,
    ...(values['llm-url'] ? { llmUrl: values['llm-url'] } : {}),
    ...(values['sync-url'] ? { syncUrl: values['sync-url'] } : {}),
    dataDir,
    policyPath: values.policy ?? null,
    env: process.env,
    logger: createConsoleLogger(),
    ...dirs,
  });
  console.log(`listening on ${harness.url}`);
  const stop = (): void => {
    void harness.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * The harness keeps its insecure stand-in key in the data folder, so by default that folder is a fresh
 * temporary one; a folder elsewhere needs `--allow-persistent-data-dir`, said out loud.
 */
async function chooseDataDir(requested: string | undefined, allowPersistent: boolean): Promise<string> {
  const temp = await realpath(tmpdir());
  if (!requested) return mkdtemp(join(temp, 'cpa-harness-'));
  const dir = existsSync(requested) ? await realpath(requested) : resolve(requested);
  if (!dir.startsWith(temp + sep) && !allowPersistent) {
    fail(`--data-dir ${dir} is not under ${temp}; the harness stores an INSECURE key there. Add --allow-persistent-data-dir to use it anyway.`);
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
