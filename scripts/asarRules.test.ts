import { describe, expect, it } from 'vitest';
import { externalPackagesOf, findForbiddenAsarEntries, missingRequiredAsarEntries, packagesInPath } from './asarRules';

/** A listing shaped like `listPackage` output for a good build. */
const CLEAN = [
  '/node_modules',
  '/node_modules/openai',
  '/node_modules/openai/package.json',
  '/node_modules/openai/index.js',
  '/node_modules/openai/index.mjs',
  '/node_modules/openai/index.d.ts',
  '/node_modules/openai/index.d.mts',
  '/node_modules/openai/resources/chat/completions.js',
  '/node_modules/zod',
  '/node_modules/zod/package.json',
  '/node_modules/zod/v4/core/core.cjs',
  '/node_modules/zod/v4/core/core.d.cts',
  '/node_modules/zod/locales/index.js',
  '/out',
  '/out/main',
  '/out/main/index.js',
  '/out/preload',
  '/out/preload/index.cjs',
  '/out/renderer',
  '/out/renderer/index.html',
  '/out/renderer/assets/index-CAF-BzfB.js',
  '/out/renderer/assets/index-CTeSWzae.css',
  '/package.json',
];

function reasonFor(path: string): string | undefined {
  const found = findForbiddenAsarEntries([...CLEAN, path]);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.reason;
}

describe('findForbiddenAsarEntries', () => {
  it('passes a clean listing', () => {
    expect(findForbiddenAsarEntries(CLEAN)).toEqual([]);
  });

  it.each([
    ['/out/main/index.js.map', /source map/],
    ['/out/renderer/assets/index-CAF-BzfB.js.map', /source map/],
    ['/node_modules/openai/index.js.map', /source map/],
    ['/out/main/sessions.test.js', /test/],
    ['/out/main/window.spec.mjs', /test/],
    ['/node_modules/zod/src/v3/tests', /test/],
    ['/node_modules/zod/v4/test/helpers.js', /test/],
    ['/node_modules/openai/__tests__/x.js', /test/],
    ['/test/e2e/fixtures.ts', /test/],
    ['/out/main/fixtures/patient.json', /fixture/],
    ['/node_modules/openai/__fixtures__', /fixture/],
    ['/.env', /\.env/],
    ['/out/main/.env.production', /\.env/],
    ['/build/cert.pem', /key or certificate/],
    ['/out/main/signing.key', /key or certificate/],
    ['/out/win.p12', /key or certificate/],
    ['/out/main/index.ts', /TypeScript/],
    ['/node_modules/openai/src/index.ts', /TypeScript/],
    ['/node_modules/zod/v4/core/core.cts', /TypeScript/],
    ['/out/main/types.d.ts', /TypeScript/],
    ['/src', /src\//],
    ['/src/main/index.js', /src\//],
    ['/node_modules/react/index.js', /renderer-only library react/],
    ['/node_modules/react-dom', /renderer-only library react-dom/],
    ['/node_modules/zustand/index.js', /renderer-only library zustand/],
    ['/node_modules/dexie/dist/dexie.js', /renderer-only library dexie/],
    ['/node_modules/scheduler/index.js', /renderer-only library scheduler/],
    ['/node_modules/openai/node_modules/react/index.js', /renderer-only library react/],
    ['/node_modules/electron-vite/package.json', /tool electron-vite/],
    ['/node_modules/vite/package.json', /tool vite/],
    ['/node_modules/vitest/package.json', /tool vitest/],
    ['/node_modules/playwright/package.json', /tool playwright/],
    ['/node_modules/@playwright/test/package.json', /tool @playwright\/test/],
    ['/node_modules/typescript/lib/typescript.js', /tool typescript/],
    ['/node_modules/electron-builder/package.json', /tool electron-builder/],
    ['/node_modules/tsx/package.json', /tool tsx/],
    ['/node_modules/ws/index.js', /harness transport package ws/],
    ['/out/main/harnessServer.js', /harness/],
    ['/out/renderer/bridge.js', /harness/],
    ['/out/main/INSECURE-harness-safe-storage.key', /key or certificate|harness/],
    ['/out/main/INSECURE.txt', /harness/],
  ])('flags %s', (path, reason) => {
    expect(reasonFor(path)).toMatch(reason);
  });

  it('allows declarations inside node_modules and look-alike package names', () => {
    expect(findForbiddenAsarEntries(['/node_modules/openai/core/api.d.ts', '/node_modules/reactive/index.js', '/node_modules/wsx/index.js', '/out/renderer/assets/contest.js'])).toEqual([]);
  });

  it('normalises Windows separators and reports every offending path', () => {
    const found = findForbiddenAsarEntries(['\\out\\main\\index.js.map', '\\node_modules\\ws\\index.js', '\\out\\main\\index.js']);
    expect(found).toEqual([
      { path: 'out/main/index.js.map', reason: 'source map' },
      { path: 'node_modules/ws/index.js', reason: 'harness transport package ws' },
    ]);
  });
});

describe('missingRequiredAsarEntries', () => {
  it('is empty for a complete listing', () => {
    expect(missingRequiredAsarEntries(CLEAN)).toEqual([]);
  });

  it.each([
    '/out/main/index.js',
    '/out/preload/index.cjs',
    '/out/renderer/index.html',
    '/package.json',
    '/node_modules/openai/package.json',
    '/node_modules/zod/package.json',
  ])('reports %s when it is missing', (path) => {
    expect(missingRequiredAsarEntries(CLEAN.filter((p) => p !== path))).toEqual([path.slice(1)]);
  });

  it('accepts another runtime package list', () => {
    expect(missingRequiredAsarEntries(CLEAN, ['openai', 'zod', 'better-sqlite3'])).toEqual(['node_modules/better-sqlite3/package.json']);
  });
});

describe('packagesInPath', () => {
  it('names plain, scoped and nested packages', () => {
    expect(packagesInPath('/node_modules/@a/b/node_modules/c/index.js')).toEqual(['@a/b', 'c']);
    expect(packagesInPath('/out/main/index.js')).toEqual([]);
  });
});

describe('externalPackagesOf', () => {
  it('lists the bare packages a bundle imports, without built-ins, electron or relative files', () => {
    const code = [
      'import { randomUUID } from "node:crypto";',
      'import { join } from "path";',
      'import { readFile } from "node:fs/promises";',
      'import { app, BrowserWindow } from "electron";',
      'import { z } from "zod";',
      'import OpenAI from "openai";',
      "export { thing } from '@scope/pkg/sub';",
      "import './side-effect.js';",
      "const lazy = () => import('lazy-lib');",
      "const cjs = require('ws');",
      "const local = require('./local.cjs');",
    ].join('\n');
    expect(externalPackagesOf(code)).toEqual(['@scope/pkg', 'lazy-lib', 'openai', 'ws', 'zod']);
  });
});
