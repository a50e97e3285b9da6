import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { originOf, type CallContext } from '../ipc/callContext';
import type { ChannelHandler, Disposable, IpcTransport } from '../ipc/transport';

/**
 * Electron IPC as a transport. It only describes the caller — origin from the sending frame's URL, whether
 * that frame is the top-level one, the sending WebContents id — and leaves every decision to the registrar.
 * This is the only place that calls `ipcMain.handle`, and only on the registrar's behalf.
 */
export function createElectronIpcTransport(): IpcTransport {
  return {
    handle(channel: string, handler: ChannelHandler): Disposable {
      ipcMain.handle(channel, (event, payload: unknown) => handler(describeCaller(event), payload));
      return { dispose: () => ipcMain.removeHandler(channel) };
    },
    sendTo(senderId: string, channel: string, payload: unknown): boolean {
      const target = webContents.fromId(Number(senderId));
      if (!target || target.isDestroyed()) return false;
      target.send(channel, payload);
      return true;
    },
  };
}

function describeCaller(event: IpcMainInvokeEvent): CallContext {
  const frame = event.senderFrame;
  if (!frame || event.sender.isDestroyed()) return { origin: null, isMainFrame: false, senderId: null };
  return {
    origin: originOf(frame.url),
    isMainFrame: frame === event.sender.mainFrame && frame.parent === null,
    senderId: String(event.sender.id),
  };
}
