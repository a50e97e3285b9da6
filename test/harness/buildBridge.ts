import { join } from 'node:path';
import { build, type PluginOption } from 'vite';

/** One browser script to bundle: its entry, the global it defines, and the file it becomes. */
export interface ClassicScript {
  readonly entry: string;
  readonly globalName: string;
  readonly fileName: string;
  readonly plugins?: PluginOption[];
  readonly define?: Record<string, string>;
}

/**
 * Bundles `script.entry` (and everything it imports) into one classic, unminified script in `outDir`, so a page
 * can load it with a plain `<script src>` under the app's CSP. Returns the written file's path.
 */
export async function buildClassicScript(outDir: string, script: ClassicScript): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    ...(script.plugins ? { plugins: script.plugins } : {}),
    ...(script.define ? { define: script.define } : {}),
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: false,
      lib: { entry: script.entry, formats: ['iife'], name: script.globalName, fileName: () => script.fileName },
    },
  });
  return join(outDir, script.fileName);
}

/**
 * Bundles the harness bridge (and the shared contract it uses) into one classic script, so the page can load
 * it before the app's module script under the same CSP (`script-src 'self'`).
 */
export function buildBridge(outDir: string): Promise<string> {
  return buildClassicScript(outDir, { entry: join(import.meta.dirname, 'bridge.ts'), globalName: 'ClinicHarnessBridge', fileName: 'bridge.js' });
}
