/**
 * What the browser suite runs against, built afresh into a temporary folder each run (never into `out/`, which
 * the end-to-end tests and other builds share): the app (`electron-vite build --outDir <tmp>`; the harness serves
 * its renderer) and the page bundle (`page/storeBenchPage.ts` as one classic script, built the way the harness
 * builds its bridge: vite's `build()` in lib/iife mode).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildClassicScript } from '../../test/harness/buildBridge';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Builds the app into `outDir` (renderer in `outDir/renderer`) with the repository's electron-vite config. */
export async function buildApp(outDir: string): Promise<{ rendererDir: string }> {
  const cli = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build', '--outDir', outDir, '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`electron-vite build exited with ${code}: ${stderr.trim()}`))));
  });
  return { rendererDir: join(outDir, 'renderer') };
}

/** The module `page/rendererHistory.ts` imports: the app's store code, after the renderer's zod configuration. */
const RENDERER_HISTORY_ID = 'virtual:cpa-renderer-history';
function rendererHistoryModule(): string {
  const source = (path: string) => JSON.stringify(join(REPO_ROOT, 'src', 'renderer', 'src', path));
  return [
    `import ${source('lib/zodConfig.ts')};`,
    `import { ClinicHistoryDb } from ${source('db/database.ts')};`,
    `import { createRecordStore } from ${source('db/recordStore.ts')};`,
    'export function openRendererHistory() {',
    '  const db = new ClinicHistoryDb();',
    '  return { db, store: createRecordStore(db) };',
    '}',
  ].join('\n');
}

/** Bundles the page side into one classic script and returns its text (for `addInitScript`). */
export async function buildPageBundle(outDir: string): Promise<string> {
  const file = await buildClassicScript(outDir, {
    entry: join(import.meta.dirname, 'page', 'storeBenchPage.ts'),
    globalName: 'CpaStoreBench',
    fileName: 'storeBench.js',
    plugins: [
      {
        name: 'cpa-renderer-history',
        resolveId: (id) => (id === RENDERER_HISTORY_ID ? `\0${RENDERER_HISTORY_ID}` : null),
        load: (id) => (id === `\0${RENDERER_HISTORY_ID}` ? rendererHistoryModule() : null),
      },
    ],
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  });
  return readFile(file, 'utf8');
}
