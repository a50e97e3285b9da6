/**
 * Starts the test server in a child process (see fakeServerProcess.ts) and stops it again. Only the options that
 * survive JSON are supported: a fixed per-chunk delay and a fixed default reply.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A test server running in its own process. */
export interface FakeServerProcess {
  /** `http://127.0.0.1:<port>/v1`, what the OpenAI SDK and the app's settings take. */
  readonly baseURL: string;
  close(): Promise<void>;
}

/** Options passed to `startFakeLlmServer` in the child. */
export interface FakeServerProcessOptions {
  readonly chunkDelayMs: number;
  /** The reply to every chat completion; its words become the streamed chunks. */
  readonly defaultReply?: string;
}

const ENTRY = fileURLToPath(new URL('./fakeServerProcess.ts', import.meta.url));

/** Forks the server and resolves once it listens. */
export function startFakeServerProcess(options: FakeServerProcessOptions): Promise<FakeServerProcess> {
  const child = fork(ENTRY, [], {
    // The child runs TypeScript too; no inspector or --expose-gc flags are needed there.
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_FAKE_SERVER_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The test server process exited early (code ${code}).`)));
    child.once('message', (message) => {
      const { baseURL } = message as { baseURL: string };
      resolve({
        baseURL,
        close: async () => {
          if (child.connected) child.send('close');
          await exited;
        },
      });
    });
  });
}
