import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { MAIN_LAYERS, findLayerCycle } from '../../eslint/mainLayers.js';

/**
 * Main's folders import each other along the declared layers only (eslint/mainLayers.js), so main has no import
 * cycles between folders and its bottom layer (`core`: clock, durable files, logging, queues) imports nothing of main.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'cpa/main-layers').map((message) => message.message);
}

describe('main layers', () => {
  it('the declared layers have no cycle', () => {
    expect(findLayerCycle()).toBeNull();
  });

  it('a cycle in a declaration is found', () => {
    expect(findLayerCycle({ ...MAIN_LAYERS, core: ['sessions'] })).toEqual(['core', 'sessions', 'core']);
  });

  it.each([
    ['src/main/core/x.ts', "import { openBatch } from '../vault/openBatch';\nexport const a = openBatch;"],
    ['src/main/llm/x.ts', "import type { Session } from '../sessions/session';\nexport type A = Session;"],
    ['src/main/net/x.ts', "export { ConfigError } from '../config/loadSettings';"],
    ['src/main/vault/x.ts', "import { createMainServices } from '../services';\nexport const a = createMainServices;"],
  ])('%s may not: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['src/main/sessions/x.ts', "import { systemClock } from '../core/clock';\nexport const a = systemClock;"],
    ['src/main/history/x.ts', "import { openBatch } from '../vault/openBatch';\nexport const a = openBatch;"],
    ['src/main/vault/x.test.ts', "import { ProfileStore } from '../profiles/profileStore';\nexport const a = ProfileStore;"],
  ])('%s may: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
