// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { mainLayersRule } from './eslint/mainLayers.js';

/** Node built-in module names, bare and `node:`-prefixed: the renderer, preload and shared code never import them. */
const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'worker_threads'];

/** Builds a `no-restricted-imports` rule from pattern groups, each with the reason shown to whoever breaks it. */
function restrict(...groups) {
  return ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];
}

const MAIN = ['**/main/**', '**/src/main', '../main', '../../main'];
const RENDERER = ['**/renderer/**'];
/** The sync server is a separate program (src/server): no workstation process links it in. */
const SERVER = ['**/server/**', '**/src/server', '../server', '../../server'];
const NOT_SERVER = [SERVER, 'The sync server (src/server) is a separate program: talk to it over HTTP with the protocol in src/shared/sync.'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Use crypto randomness (ids, keys, IVs), injected where logic needs it.' },
      ],
    },
  },
  // shared: the contract. zod only — nothing platform-specific, no other process.
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], 'src/shared runs in every process: no Electron.'],
        [NODE_BUILTINS, 'src/shared runs in the renderer too: no Node built-ins.'],
        [['react', 'react-dom', 'react/*', 'dexie', 'zustand', 'openai'], 'src/shared imports zod and nothing else.'],
        [[...MAIN, ...RENDERER, '**/preload/**', ...SERVER], 'src/shared imports no process code.'],
      ),
    },
  },
  // renderer: untrusted web content. Never main, Electron, Node or the network client.
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], 'The renderer reaches main only through window.api (src/renderer/src/lib/api.ts).'],
        [NODE_BUILTINS, 'The renderer is web content: no Node built-ins.'],
        [['openai', 'openai/*'], 'Only src/main/llm talks to the model server.'],
        [MAIN, 'The renderer never imports main; use the contract in src/shared.'],
        [['**/preload/index*'], 'Import only the type declaration src/preload/apiTypes.'],
        NOT_SERVER,
      ),
    },
  },
  // preload: the bridge. Electron and shared only.
  {
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': restrict(
        [NODE_BUILTINS, 'The preload is sandboxed: no Node built-ins.'],
        [[...MAIN, ...RENDERER], 'The preload imports only electron and src/shared.'],
        [['openai', 'openai/*'], 'Only src/main/llm talks to the model server.'],
        NOT_SERVER,
      ),
    },
  },
  // main: imports between its folders follow the layers in eslint/mainLayers.js (no cycles; core imports nothing).
  {
    files: ['src/main/**/*.ts'],
    plugins: { cpa: { rules: { 'main-layers': mainLayersRule } } },
    rules: { 'cpa/main-layers': 'error' },
  },
  // main: no renderer code; `openai` only in llm/; `electron` only in the composition root, platform/ and windows/.
  {
    files: ['src/main/**'],
    ignores: ['src/main/index.ts', 'src/main/platform/**', 'src/main/windows/createSecureWindow.ts', 'src/main/windows/appProtocol.ts', 'src/main/llm/**'],
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], 'Electron APIs sit behind interfaces in src/main/platform so main runs in plain Node.'],
        [['openai', 'openai/*'], 'Only src/main/llm imports openai; use the LlmClient interface.'],
        [RENDERER, 'Main never imports renderer code.'],
        NOT_SERVER,
      ),
    },
  },
  {
    files: ['src/main/llm/**'],
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], 'llm/ receives fetch by injection; Electron stays in src/main/platform.'],
        [RENDERER, 'Main never imports renderer code.'],
        NOT_SERVER,
      ),
    },
  },
  {
    files: ['src/main/index.ts', 'src/main/platform/**', 'src/main/windows/**'],
    rules: {
      'no-restricted-imports': restrict(
        [['openai', 'openai/*'], 'Only src/main/llm imports openai.'],
        [RENDERER, 'Main never imports renderer code.'],
        NOT_SERVER,
      ),
    },
  },
  // server: the clinic's sync server, a fourth runtime. The shared protocol and packages; no workstation code.
  {
    files: ['src/server/**'],
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], 'The sync server runs in plain Node on the clinic server: no Electron.'],
        [[...MAIN, ...RENDERER, '**/preload/**'], 'The sync server imports src/shared and packages only.'],
        [['openai', 'openai/*'], 'The sync server never talks to the model server.'],
      ),
    },
  },
  {
    files: ['test/harness/bridge.ts', 'test/e2e/**/*.browser.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
