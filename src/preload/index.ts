/**
 * The preload: runs sandboxed with context isolation and exposes exactly `window.api`, built from the contract.
 * It never exposes `ipcRenderer`, a generic invoke/send/on, or the raw IPC event (whose `sender` would hand
 * the page an IPC handle).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../shared/api';

const api = buildApi({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  subscribe: (channel, listener) => {
    const forwardPayloadOnly = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, forwardPayloadOnly);
    return () => {
      ipcRenderer.removeListener(channel, forwardPayloadOnly);
    };
  },
});

contextBridge.exposeInMainWorld('api', api);
