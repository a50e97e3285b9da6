import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_PREFIX, EVENT_NAMES, OPERATION_NAMES } from '../shared/contract';

/** Check 3: the preload exposes only the contract's functions, and never the raw IPC event. */
const exposed = new Map<string, unknown>();
const ipcListeners = new Map<string, (event: unknown, payload: unknown) => void>();
const invoke = vi.fn(async (_channel: string, _payload: unknown) => ({ ok: true, data: {} }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: {
    invoke: (channel: string, payload: unknown) => invoke(channel, payload),
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => ipcListeners.set(channel, listener),
    removeListener: (channel: string) => ipcListeners.delete(channel),
  },
}));

describe('preload', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('./index');
  });

  it('exposes one key, `api`, and in it only the contract’s operations and events', () => {
    expect([...exposed.keys()]).toEqual(['api']);
    const api = exposed.get('api') as Record<string, Record<string, unknown>>;
    const names = Object.entries(api).flatMap(([domain, members]) => Object.keys(members).map((member) => `${domain}.${member}`));
    expect(names).toHaveLength(OPERATION_NAMES.length + EVENT_NAMES.length);
    for (const forbidden of ['invoke', 'send', 'on', 'sendSync', 'ipcRenderer']) {
      expect(Object.values(api).some((members) => forbidden in members)).toBe(false);
    }
  });

  it('invokes only app-prefixed channels', async () => {
    const api = exposed.get('api') as { settings: { get(): Promise<unknown> } };
    await api.settings.get();
    expect(invoke).toHaveBeenLastCalledWith(`${CHANNEL_PREFIX}settings.get`, undefined);
  });

  it('hands listeners the payload alone, never the IPC event with its sender', () => {
    const api = exposed.get('api') as { protocol: { onDelta(listener: (...args: unknown[]) => void): () => void } };
    const calls: unknown[][] = [];
    const unsubscribe = api.protocol.onDelta((...args) => calls.push(args));
    ipcListeners.get(`${CHANNEL_PREFIX}protocol.delta`)?.({ sender: { send() {} } }, { delta: 'x' });
    expect(calls).toEqual([[{ delta: 'x' }]]);
    unsubscribe();
    expect(ipcListeners.has(`${CHANNEL_PREFIX}protocol.delta`)).toBe(false);
  });
});
