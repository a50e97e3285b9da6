import { describe, expect, it } from 'vitest';
import { itOnPosix } from '../../../../test/support/posixOnly';
import { nodeSystemCommands } from './nodeSystemCommands';

/** The adapter's contract, checked with POSIX programs (the Windows ones it will run do not exist on CI). */
const onPosix = (name: string, run: () => Promise<void>): void =>
  itOnPosix(name, run, 'skipped on Windows: checked with /usr/bin/env, /bin/echo, /bin/false, /bin/sleep');

describe('nodeSystemCommands', () => {
  it('lists the modules the loader mapped into this process', () => {
    const modules = nodeSystemCommands.loadedModules();
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.every((module) => typeof module === 'string')).toBe(true);
  });

  onPosix('gives the program exactly the environment asked for, nothing of this process', async () => {
    process.env.CPA_TEST_INHERITED = 'leak';
    try {
      const stdout = await nodeSystemCommands.run({ executable: '/usr/bin/env', args: [], env: { ONLY: 'this' }, cwd: '/', timeoutMs: 5_000 });
      expect(stdout).toBe('ONLY=this\n');
    } finally {
      delete process.env.CPA_TEST_INHERITED;
    }
  });

  onPosix('passes arguments without a shell', async () => {
    const stdout = await nodeSystemCommands.run({ executable: '/bin/echo', args: ['$HOME;', '`id`'], env: {}, cwd: '/', timeoutMs: 5_000 });
    expect(stdout).toBe('$HOME; `id`\n');
  });

  onPosix('rejects with the exit code when the program fails, and as killed when it overruns', async () => {
    await expect(nodeSystemCommands.run({ executable: '/bin/false', args: [], env: {}, cwd: '/', timeoutMs: 5_000 })).rejects.toMatchObject({ code: 1 });
    await expect(nodeSystemCommands.run({ executable: '/bin/sleep', args: ['5'], env: {}, cwd: '/', timeoutMs: 50 })).rejects.toMatchObject({ killed: true });
  });
});
