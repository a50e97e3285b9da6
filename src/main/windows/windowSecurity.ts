import { resolve, sep } from 'node:path';

/** The custom scheme the packaged renderer is served from (`app://renderer/index.html`). */
export const APP_SCHEME = 'app';
/** The renderer's origin in packaged builds. */
export const APP_ORIGIN = `${APP_SCHEME}://renderer`;

/**
 * Web preferences of every window: the page is untrusted web content. Kept as a plain object so a Node test
 * (check 1) can read exactly what the factory passes to `BrowserWindow`. DevTools are for development builds
 * only: in an installed app they would let anyone at an unlocked workstation read the page's patient data.
 * Without a preload: the print window's are these too, with JavaScript off.
 */
export function hardenedWebPreferences(options: { allowDevTools: boolean }) {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    // A middle click would otherwise open a link in a new window without going through the window-open handler.
    disableBlinkFeatures: 'Auxclick',
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: options.allowDevTools,
  } as const;
}

/** {@link hardenedWebPreferences} with the app's preload: the main window's. */
export function secureWebPreferences(preloadPath: string, options: { allowDevTools: boolean }) {
  return { preload: preloadPath, ...hardenedWebPreferences(options) } as const;
}

/**
 * True when `url` is inside the app: same scheme, host and port as `appOrigin`, compared on parsed URLs
 * (never `startsWith`, which `app://renderer.evil.example` would pass).
 */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const target = new URL(url);
    const origin = new URL(appOrigin);
    return target.protocol === origin.protocol && target.host === origin.host;
  } catch {
    return false;
  }
}

/** Hosts that links may open in the system browser. Empty: nothing external is opened yet. */
export const EXTERNAL_LINK_HOSTS: readonly string[] = [];

/** True when `url` may be opened in the system browser: https and an allow-listed host. */
export function isAllowedExternalLink(url: string, allowedHosts: readonly string[] = EXTERNAL_LINK_HOSTS): boolean {
  try {
    const target = new URL(url);
    return target.protocol === 'https:' && allowedHosts.includes(target.hostname);
  } catch {
    return false;
  }
}

/** Permissions the page may have: writing the clipboard only. The app needs no camera, microphone, location or notifications. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set<string>([
  // The answer's Copy button: writing text the clinician asked to copy. Reading the clipboard stays denied.
  'clipboard-sanitized-write',
]);

/** Deny by default: a permission is granted only when it is on {@link ALLOWED_PERMISSIONS}. */
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission);
}

/**
 * Maps an `app://renderer/<path>` request to a file inside `rendererDir`, or null when it would leave that
 * folder (`..`, encoded slashes) or names another host.
 */
export function resolveAppAsset(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const root = resolve(rendererDir);
  const target = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return target === root || target.startsWith(root + sep) ? target : null;
}
