/**
 * The browser harness's stand-in for the preload, built into a classic script that the harness page loads
 * before the app. It builds `window.api` with the same `buildApi` the preload uses, so the page sees exactly
 * the preload's shape, and carries calls and events over one WebSocket to the harness process.
 */
import { buildApi, type ApiCarrier } from '../../src/shared/api';
import { fail } from '../../src/shared/errors';

type Listener = (payload: unknown) => void;

const secret = new URLSearchParams(window.location.hash.slice(1)).get('k') ?? '';
const listeners = new Map<string, Set<Listener>>();
const pending = new Map<number, (result: unknown) => void>();
let nextId = 1;
const LOST = fail('INTERNAL', 'The connection to the app was lost. Reload the page.');

const socket = new WebSocket(`ws://${window.location.host}/ipc`, [`cpa.${secret}`]);
const opened = new Promise<boolean>((resolve) => {
  socket.addEventListener('open', () => resolve(true), { once: true });
  socket.addEventListener('error', () => resolve(false), { once: true });
});
socket.addEventListener('message', (message: MessageEvent<string>) => {
  const data = JSON.parse(message.data) as { type: string; id?: number; channel?: string; result?: unknown; payload?: unknown };
  if (data.type === 'result' && data.id !== undefined) {
    pending.get(data.id)?.(data.result);
    pending.delete(data.id);
  } else if (data.type === 'event' && data.channel) {
    for (const listener of listeners.get(data.channel) ?? []) listener(data.payload);
  }
});
socket.addEventListener('close', () => {
  for (const settle of pending.values()) settle(LOST);
  pending.clear();
});

const carrier: ApiCarrier = {
  async invoke(channel, payload) {
    if (!(await opened) || socket.readyState !== WebSocket.OPEN) {
      return fail('FORBIDDEN', 'The harness refused this page (missing or wrong launch secret).');
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
    });
  },
  subscribe(channel, listener) {
    const set = listeners.get(channel) ?? new Set<Listener>();
    listeners.set(channel, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

Object.defineProperty(window, 'api', { value: buildApi(carrier), writable: false, configurable: false, enumerable: true });
