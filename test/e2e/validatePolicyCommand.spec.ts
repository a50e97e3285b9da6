/**
 * `npm run web -- --validate-policy <file>` as IT runs it: a child process that checks the file and exits —
 * 0 valid, 2 invalid — printing every problem, and never builds the app or starts a server. No browser needed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the harness CLI (through tsx directly, as webCommand.spec.ts does) and waits for it to exit on its own. */
function validate(path: string): Promise<Outcome> {
  const child = spawn(process.execPath, [TSX, 'test/harness/cli.ts', '--validate-policy', path], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function policyFile(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cpa-validate-cli-')), 'policy.json');
  await writeFile(path, content);
  return path;
}

test.describe('npm run web -- --validate-policy', () => {
  test('a valid policy: one stdout line naming what it sets, exit 0, no server', async () => {
    const path = await policyFile(JSON.stringify({ llmBaseUrl: 'https://llm.clinic.example/v1', model: 'm' }));
    const outcome = await validate(path);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe(`policy ${path}: valid (2 settings set: llmBaseUrl, model)\n`);
    // No server started and nothing was built (the build announces itself on stderr).
    expect(outcome.stdout + outcome.stderr).not.toContain('listening on');
    expect(outcome.stderr).not.toContain('building the app');
  });

  test('an invalid policy: every problem on its own stderr line, naming the key, exit 2', async () => {
    const path = await policyFile(JSON.stringify({ temperature: 5, maxRetries: 'x', colour: 'blue' }));
    const outcome = await validate(path);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    // A warning line appears too when the tests do not run as root (the file is not root-owned): not a problem.
    const lines = outcome.stderr.trimEnd().split('\n').filter((line) => !line.startsWith('warning: '));
    expect(lines).toHaveLength(3);
    for (const key of ['temperature', 'maxRetries', 'colour']) {
      expect(lines.some((line) => line.startsWith(`policy ${path}: ${key}: `))).toBe(true);
    }
  });

  test('a file that is not JSON, or missing, exits 2 with one line saying so', async () => {
    const broken = await policyFile('{ "model": ');
    const notJson = await validate(broken);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toBe(`policy ${broken}: is not valid JSON\n`);

    const missing = join(tmpdir(), `cpa-absent-${process.pid}-${Date.now()}.json`);
    const absent = await validate(missing);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toBe(`policy ${missing}: cannot be read (ENOENT)\n`);
  });
});
