import type { RecordSealer } from '../../src/main/history/recordSealer';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { loadSettings } from '../../src/main/config/loadSettings';
import { exactOrigins } from '../../src/main/ipc/callContext';
import { broadcastServiceEvents } from '../../src/main/broadcastServiceEvents';
import { registerOperations } from '../../src/main/ipc/registrar';
import { silentLogger, type Logger } from '../../src/main/core/logger';
import { createMainServices } from '../../src/main/services';
import { systemClock, type Clock } from '../../src/main/core/clock';
import { buildBridge } from './buildBridge';
import { InsecureHarnessSecretStorage } from './insecureHarnessSecretStorage';
import { injectBridge, readStaticFile } from './staticFiles';
import { WebSocketTransport } from './wsTransport';

/** How to start the harness. */
export interface HarnessOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Base URL of the model server (`…/v1`); the policy may still override it. */
  readonly llmUrl?: string;
  /** Base URL of the clinic's sync server (`npm run sync-server`); the policy may still override it. Absent: sync off. */
  readonly syncUrl?: string;
  /** Folder for harness data (the insecure safeStorage stand-in's key). */
  readonly dataDir: string;
  readonly policyPath?: string | null;
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string;
  /** Where the bridge bundle is written. */
  readonly buildDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /**
   * Tests only: main's clocks run this far ahead of the real ones (wall and monotonic together, so it is not a
   * clock jump) — a restart "eight days later" for retention, without waiting eight days.
   */
  readonly clockOffsetMs?: number;
  /** Tests only: lock after this many milliseconds without activity (policy counts whole minutes). */
  readonly idleLockMsForTests?: number;
}

/** A running harness. */
export interface Harness {
  /** The address to open, with the per-launch secret in its fragment. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly secret: string;
  readonly secretStorage: InsecureHarnessSecretStorage;
  /**
   * BENCHMARKS ONLY: main's own sealer (never reachable from the page), so a benchmark can fill the store with real
   * sealed history — keys in main's key store, records that open — without driving 100,000 turns through the UI.
   */
  readonly sealerForBenchmarks: RecordSealer;
  close(): Promise<void>;
}

const BRIDGE_PATH = '/__harness/bridge.js';
const SECRET_PROTOCOL_PREFIX = 'cpa.';
/**
 * Largest message a page may send: a full `vault.open` batch (500 sealed records, each with an answer) is a few
 * MiB; Electron's IPC carries such batches too. A larger message closes that page's socket, never the harness.
 */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Closing the harness cancels running turns quickly: it is a test tool. */
const HARNESS_SHUTDOWN_GRACE_MS = 500;

/**
 * The browser harness: main's services with the same registrar and handlers as the app, reached from the built
 * renderer over a loopback WebSocket. It binds 127.0.0.1 only and refuses any request whose `Host` is not its
 * own, any WebSocket whose `Origin` is not its own or that lacks the per-launch secret.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const logger = options.logger ?? silentLogger;
  const config = await loadSettings({
    mode: 'harness',
    userSettingsPath: null,
    policyArgument: options.policyPath ?? null,
    // The harness's key store is the insecure stand-in (backend `basic_text`), so it must be allowed here.
    env: { CPA_ALLOW_BASIC_TEXT_KEY_STORAGE: 'true', ...(options.env ?? {}), ...(options.llmUrl ? { CPA_LLM_BASE_URL: options.llmUrl } : {}),
      ...(options.syncUrl ? { CPA_SYNC_SERVER_URL: options.syncUrl } : {}),
    },
    platform: process.platform,
  });
  const bridgeFile = await buildBridge(options.buildDir);
  const bridgeScript = await readFile(bridgeFile);
  const secret = randomBytes(24).toString('hex');
  const secretStorage = new InsecureHarnessSecretStorage(options.dataDir);
  const services = await createMainServices({
    mode: 'harness',
    config,
    fetch: globalThis.fetch,
    clock: options.clockOffsetMs ? shiftedClock(options.clockOffsetMs) : systemClock,
    newId: () => randomUUID(),
    logger,
    dataDir: options.dataDir,
    secretStorage,
    ...(options.idleLockMsForTests ? { idleLimitMsForTests: options.idleLockMsForTests } : {}),
    // A browser has no system idle time or OS lock signal: the page's own activity drives the idle lock.
    power: { systemIdleSeconds: () => Number.MAX_SAFE_INTEGER, onLockOrSuspend: () => () => undefined },
  });
  const transport = new WebSocketTransport();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const sockets = new Set<Socket>();

  let origin = '';
  let hostHeader = '';
  const server = createServer((request, response) => {
    void serveHttp(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request, socket, head) => {
    const refusal = upgradeRefusal(request);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => transport.attach(ws, origin));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  hostHeader = `127.0.0.1:${port}`;
  const registration = registerOperations(transport, services.handlers, {
    isAppOrigin: exactOrigins([origin]),
    isUnlocked: () => services.isUnlocked(),
    logger,
  });
  const stopServiceEvents = broadcastServiceEvents(services, registration);

  function upgradeRefusal(request: IncomingMessage): string | null {
    if (request.url !== '/ipc') return '404 Not Found';
    if (request.headers.host !== hostHeader) return '403 Forbidden';
    if (request.headers.origin !== origin) return '403 Forbidden';
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((token) => token.trim());
    const token = offered.find((candidate) => candidate.startsWith(SECRET_PROTOCOL_PREFIX));
    if (!token || !sameSecret(token.slice(SECRET_PROTOCOL_PREFIX.length), secret)) return '401 Unauthorized';
    return null;
  }

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Referrer-Policy', 'no-referrer');
    if (request.headers.host !== hostHeader) return end(response, 403, 'Forbidden host');
    if (request.method !== 'GET' && request.method !== 'HEAD') return end(response, 405, 'Method not allowed');
    const pathname = new URL(request.url ?? '/', origin).pathname;
    if (pathname === BRIDGE_PATH) return send(response, bridgeScript, 'text/javascript; charset=utf-8');
    const file = await readStaticFile(options.rendererDir, pathname);
    if (!file) return end(response, 404, 'Not found');
    if (file.contentType.startsWith('text/html')) {
      // Framing is refused outright, so every page that reaches the transport is a top-level page.
      response.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
      response.setHeader('X-Frame-Options', 'DENY');
      return send(response, Buffer.from(injectBridge(file.body.toString('utf8'), BRIDGE_PATH)), file.contentType);
    }
    return send(response, file.body, file.contentType);
  }

  return {
    url: `${origin}/#k=${secret}`,
    origin,
    port,
    secret,
    secretStorage,
    sealerForBenchmarks: services.sealer,
    async close() {
      stopServiceEvents();
      await services.shutdown(HARNESS_SHUTDOWN_GRACE_MS);
      registration.dispose();
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The system clock, `offsetMs` ahead (timers unchanged). */
function shiftedClock(offsetMs: number): Clock {
  return {
    now: () => new Date(Date.now() + offsetMs),
    monotonicMs: () => performance.now() + offsetMs,
    setTimer: (callback, delayMs) => systemClock.setTimer(callback, delayMs),
    clearTimer: (handle) => systemClock.clearTimer(handle),
  };
}

function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function end(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}

function send(response: ServerResponse, body: Buffer, contentType: string): void {
  response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
  response.end(body);
}

/** The default build output folders, relative to the repository root. */
export function defaultHarnessDirs(repoRoot: string): { rendererDir: string; buildDir: string } {
  return { rendererDir: join(repoRoot, 'out', 'renderer'), buildDir: join(repoRoot, 'out', 'harness') };
}
