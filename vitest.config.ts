import { defineConfig } from 'vitest/config';

/** Unit tests live beside the code (`*.test.ts`); end-to-end specs in test/e2e are Playwright's, not vitest's. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'out/**', 'dist/**'],
    environment: 'node',
    testTimeout: 15_000,
    // One embedded PostgreSQL for the run, started only when a file asks for it (test/server/syncServerForTests.ts).
    globalSetup: ['test/server/sharedPostgres.globalSetup.ts'],
    typecheck: { enabled: false },
  },
});
