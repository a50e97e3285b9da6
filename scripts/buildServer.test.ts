/**
 * The sync server's built bundle (`npm run build:server` → out/server/cli.mjs), run as docs/sync-server.md's
 * systemd unit runs it: plain `node` with no TypeScript loader, from another working directory, with the embedded
 * PostgreSQL. It must print its one line, answer /healthz, and stop cleanly on SIGTERM.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'out', 'server', 'cli.mjs');

let folder: string | null = null;
afterAll(async () => {
  if (folder !== null) await rm(folder, { recursive: true, force: true });
});

describe('npm run build:server', () => {
  it('builds out/server/cli.mjs, which serves with plain node and the embedded PostgreSQL, then stops on SIGTERM', async () => {
    const built = spawnSync(process.execPath, ['scripts/buildServer.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect([built.status, built.stderr]).toEqual([0, '']);
    // Our own code is in the bundle; no import of a TypeScript file is left for a loader to resolve.
    expect(await readFile(BUNDLE, 'utf8')).not.toMatch(/from ["'][^"']*\.ts["']/);

    folder = await mkdtemp(join(tmpdir(), 'cpa-server-bundle-'));
    // As root, PostgreSQL runs as the `postgres` user, which must reach the data folder.
    await chmod(folder, 0o755);
    // No NODE_OPTIONS: vitest's loader hooks must not be what makes the bundle run.
    const env = { ...process.env, DATABASE_URL: '', NODE_OPTIONS: '' };
    const child = spawn(process.execPath, [BUNDLE, '--port', '0', '--data-dir', join(folder, 'data')], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const lines: string[] = [];
      const first = new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          resolve(line);
        });
        void exited.then(() => reject(new Error(`the bundle exited: ${stderr.slice(-500)}`)));
      });
      const url = /^sync server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(await first)?.[1];
      expect(url, await first).toBeDefined();
      expect(stderr).toContain('using the embedded PostgreSQL');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines).toEqual([await first]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
