import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The import rules between processes are lint rules (eslint.config.js); this proves they fire, so a broken
 * config cannot silently let the renderer import main or Electron.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('import boundaries', () => {
  it.each([
    ['src/renderer/src/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src/renderer/src/x.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;"],
    ['src/renderer/src/x.ts', "import { readFile } from 'fs';\nexport const a = readFile;"],
    ['src/renderer/src/x.ts', "import { x } from '../../main/services';\nexport const a = x;"],
    ['src/renderer/src/x.ts', "import OpenAI from 'openai';\nexport const a = OpenAI;"],
    ['src/shared/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src/shared/x.ts', "import { join } from 'node:path';\nexport const a = join;"],
    ['src/shared/x.ts', "import { useState } from 'react';\nexport const a = useState;"],
    ['src/preload/x.ts', "import { x } from '../main/services';\nexport const a = x;"],
    ['src/main/sessions/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src/main/sessions/x.ts', "import OpenAI from 'openai';\nexport const a = OpenAI;"],
    ['src/main/llm/x.ts', "import { net } from 'electron';\nexport const a = net;"],
    ['src/main/sync/x.ts', "import { x } from '../../server/syncServer';\nexport const a = x;"],
    ['src/main/index.ts', "import { x } from '../server/syncServer';\nexport const a = x;"],
    ['src/renderer/src/x.ts', "import { x } from '../../server/syncServer';\nexport const a = x;"],
    ['src/preload/x.ts', "import { x } from '../server/syncServer';\nexport const a = x;"],
    ['src/shared/sync/x.ts', "import { x } from '../../server/syncServer';\nexport const a = x;"],
    ['src/server/x.ts', "import { x } from '../main/services';\nexport const a = x;"],
    ['src/server/data/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src/server/x.ts', "import { x } from '../renderer/src/lib/api';\nexport const a = x;"],
  ])('%s may not: %s', async (file, code) => {
    expect(await importErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['src/renderer/src/x.ts', "import { Patient } from '../../shared/patient';\nexport const a = Patient;"],
    ['src/renderer/src/x.ts', "import type { AppApi } from '../../preload/apiTypes';\nexport type A = AppApi;"],
    ['src/main/llm/x.ts', "import OpenAI from 'openai';\nexport const a = OpenAI;"],
    ['src/main/platform/x.ts', "import { net } from 'electron';\nexport const a = net;"],
    ['src/preload/x.ts', "import { contextBridge } from 'electron';\nexport const a = contextBridge;"],
    ['src/server/data/x.ts', "import { PushInput } from '../../shared/sync/changes';\nexport const a = PushInput;"],
    ['src/server/x.ts', "import pg from 'pg';\nimport { join } from 'node:path';\nexport const a = [pg, join];"],
  ])('%s may: %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});
