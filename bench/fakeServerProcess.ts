/**
 * Child-process entry: runs the test server (`startFakeLlmServer`) in its own process, as vLLM runs beside the
 * app. In the benchmark's own process its per-chunk work would share the event loop with the engine being
 * measured, and 64 streams of server work would be charged to the app. Options come in
 * `BENCH_FAKE_SERVER_OPTIONS` (JSON); the base URL goes back to the parent over IPC.
 */
import { startFakeLlmServer, type FakeLlmServerOptions } from '../test/fakes/fakeLlmServer';

const options = JSON.parse(process.env['BENCH_FAKE_SERVER_OPTIONS'] ?? '{}') as Pick<FakeLlmServerOptions, 'chunkDelayMs' | 'defaultReply'>;
const server = await startFakeLlmServer(options);

async function stop(): Promise<void> {
  await server.close();
  process.exit(0);
}

// The parent going away (or asking) ends the server: a benchmark must never leave a listener behind.
process.on('disconnect', () => void stop());
process.on('message', (message) => {
  if (message === 'close') void stop();
});
process.send?.({ baseURL: server.baseURL });
