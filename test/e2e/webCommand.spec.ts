import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, signInAsNewClinician, test } from './fixtures';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Launched {
  child: ChildProcess;
  firstLine: Promise<string>;
  exitCode: Promise<number | null>;
  stderr: () => string;
}

/** Starts `npm run web` the way the README says (through tsx directly, to skip npm's banner). */
function launchWeb(args: string[]): Launched {
  const child = spawn(process.execPath, [TSX, 'test/harness/cli.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve) => lines.once('line', resolve));
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, firstLine, exitCode, stderr: () => errors };
}

test.describe('npm run web', () => {
  test('prints one "listening on" line with the secret, and the page works against the given model server', async ({ page, llm }) => {
    const web = launchWeb(['--port', '0', '--llm-url', llm.baseURL]);
    try {
      const line = await web.firstLine;
      expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/#k=[0-9a-f]{48}$/);
      await page.goto(line.replace('listening on ', ''));
      await signInAsNewClinician(page);
      await expect(page.getByTestId('llm-status')).toContainText('reachable');
    } finally {
      web.child.kill('SIGTERM');
      await web.exitCode;
    }
  });

  test('an invalid policy is a clear error naming the field, and nothing starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cpa-policy-'));
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ temperature: 5, llmBaseUrl: 'http://10.1.2.3:8000/v1' }));
    const web = launchWeb(['--port', '0', '--policy', policy]);
    expect(await web.exitCode).toBe(2);
    expect(web.stderr()).toContain(`policy ${policy}: temperature`);
  });

  test('refuses a data folder outside the temp folder unless told it may persist', async () => {
    // A path that cannot be under the temp folder wherever the checkout lives; it is refused before it is created.
    const outside = join('/', `cpa-harness-persistent-${process.pid}-${Date.now()}`);
    const web = launchWeb(['--port', '0', '--data-dir', outside]);
    const outcome = await Promise.race([web.exitCode.then((code) => `exit ${code}`), web.firstLine.then((line) => `started: ${line}`)]);
    if (outcome.startsWith('started')) web.child.kill('SIGTERM');
    expect(outcome).toBe('exit 2');
    expect(web.stderr()).toContain('--allow-persistent-data-dir');
    expect(existsSync(outside)).toBe(false);
  });
});
