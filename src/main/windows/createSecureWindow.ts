import { BrowserWindow, shell, type Session } from 'electron';
import { hardenedWebPreferences, isAllowedExternalLink, isAppUrl, isPermissionAllowed, secureWebPreferences } from './windowSecurity';

/** What a window needs to know. */
export interface SecureWindowOptions {
  readonly preloadPath: string;
  /** The renderer's origin: navigation anywhere else is refused. */
  readonly appOrigin: string;
  readonly title: string;
  /** Development builds only. */
  readonly allowDevTools: boolean;
}

/**
 * The one window factory. Every window gets the secure web preferences, stays on the app's origin, cannot
 * open new windows (allow-listed https links go to the system browser instead) and cannot attach webviews.
 */
export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 600,
    title: options.title,
    show: false,
    webPreferences: secureWebPreferences(options.preloadPath, { allowDevTools: options.allowDevTools }),
  });
  const contents = window.webContents;
  const refuseOutside = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url, options.appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', refuseOutside);
  contents.on('will-redirect', refuseOutside);
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url, options.appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  return window;
}

/** Denies every permission request and check that is not allow-listed, for the whole session. */
export function denyPermissionsByDefault(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
}

/**
 * In-memory session of the print window (no `persist:` prefix): nothing of a printed document reaches the disk
 * cache, and it shares no storage with the app's page.
 */
const PRINT_PARTITION = 'cpa-export-print';

/**
 * A hidden, throw-away window that can do nothing but lay out a static document for printing (the PDF export): no
 * script, no preload, sandboxed, no navigation, no new windows, no permissions, its own in-memory session. Here so
 * that every window still comes from this one factory. Destroy it once printed.
 */
export function createPrintWindow(): BrowserWindow {
  const window = new BrowserWindow({
    show: false,
    // Every hardening the main window has (no DevTools, no webview, no drag-and-drop navigation…), and no script.
    webPreferences: { ...hardenedWebPreferences({ allowDevTools: false }), javascript: false, partition: PRINT_PARTITION },
  });
  const contents = window.webContents;
  denyPermissionsByDefault(contents.session);
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  return window;
}
