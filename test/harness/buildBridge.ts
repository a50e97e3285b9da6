import { join } from 'node:path';
import { build } from 'vite';

/**
 * Bundles the harness bridge (and the shared contract it uses) into one classic script, so the page can load
 * it before the app's module script under the same CSP (`script-src 'self'`).
 */
export async function buildBridge(outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      sourcemap: false,
      lib: {
        entry: join(import.meta.dirname, 'bridge.ts'),
        formats: ['iife'],
        name: 'ClinicHarnessBridge',
        fileName: () => 'bridge.js',
      },
    },
  });
  return join(outDir, 'bridge.js');
}
