/**
 * `npm run fake-llm -- [--port 8000] [--model <id>] [--chunk-delay-ms 25]`:
 * runs the fake server with the clinical demo answers for UI work and manual
 * end-to-end runs. Prints exactly one line once listening, so scripts can wait for it.
 */
import { CLI_USAGE, parseCliArgs } from './cliArgs.js';
import { clinicalDemoReply } from './clinicalScript.js';
import { DEFAULT_FAKE_MODEL, startFakeLlmServer } from './fakeLlmServer.js';

/** Exit code for bad arguments, as most command-line tools use. */
const USAGE_ERROR = 2;

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(CLI_USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    console.error(`fake-llm: ${parsed.message}\n${CLI_USAGE}`);
    process.exitCode = USAGE_ERROR;
    return;
  }
  const { port, model, chunkDelayMs } = parsed.settings;
  const server = await startFakeLlmServer({
    port,
    models: model === undefined ? undefined : [{ ...DEFAULT_FAKE_MODEL, id: model }],
    chunkDelayMs,
    defaultReply: clinicalDemoReply,
  });
  console.log(`fake-llm listening on ${server.baseURL}`);

  const stop = (): void => {
    // A second signal while closing means the user wants out now.
    process.off('SIGINT', stop).off('SIGTERM', stop);
    process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));
    void server.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  console.error(
    code === 'EADDRINUSE'
      ? 'fake-llm: that port is already in use on 127.0.0.1; pick another with --port.'
      : `fake-llm: ${String(error)}`,
  );
  process.exitCode = 1;
});
