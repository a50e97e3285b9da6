import { app, net, powerMonitor, safeStorage } from 'electron';
import type { AppPaths, PowerSignals, SecretStorage } from '../core/platformInterfaces';

/** Electron's `net.fetch`: the OS trust store (clinic CAs) and the OS proxy settings, unlike Node's fetch. */
export const electronFetch: typeof globalThis.fetch = (input, init) =>
  net.fetch(input as string | Request, init) as Promise<Response>;

/** `safeStorage` through its async API. */
export const electronSecretStorage: SecretStorage = {
  isAvailable: () => safeStorage.isAsyncEncryptionAvailable(),
  backend: () => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'),
  encrypt: async (plainText) => new Uint8Array(await safeStorage.encryptStringAsync(plainText)),
  decrypt: async (cipherText) => (await safeStorage.decryptStringAsync(Buffer.from(cipherText))).result,
};

/** `powerMonitor` signals. */
export const electronPowerSignals: PowerSignals = {
  systemIdleSeconds: () => powerMonitor.getSystemIdleTime(),
  onLockOrSuspend(listener) {
    const events = ['lock-screen', 'suspend', 'user-did-resign-active'] as const;
    for (const event of events) powerMonitor.on(event as 'lock-screen', listener);
    return () => {
      for (const event of events) powerMonitor.off(event as 'lock-screen', listener);
    };
  },
  onResume(listener) {
    powerMonitor.on('resume', listener);
    return () => {
      powerMonitor.off('resume', listener);
    };
  },
};

/** The app's folders (valid after `app` is ready). */
export function electronAppPaths(): AppPaths {
  return { userData: app.getPath('userData') };
}
