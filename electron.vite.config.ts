import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three builds, one per process. The preload runs sandboxed, so it must be a single CommonJS file with its
 * dependencies (zod, the shared contract) bundled in: a sandboxed preload cannot `require` from node_modules.
 * No source maps ship in any bundle (check 10 looks for them in the asar).
 */
export default defineConfig({
  main: {
    build: {
      sourcemap: false,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      sourcemap: false,
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      sourcemap: false,
      minify: true,
      rolldownOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } },
    },
  },
});
