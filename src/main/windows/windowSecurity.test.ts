import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  isAllowedExternalLink,
  isAppUrl,
  ALLOWED_PERMISSIONS,
  isPermissionAllowed,
  resolveAppAsset,
  secureWebPreferences,
} from './windowSecurity';

describe('secure web preferences (check 1)', () => {
  it('isolates and sandboxes the page, with no Node and no insecure content', () => {
    expect(secureWebPreferences('/app/preload.cjs', { allowDevTools: false })).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      devTools: false,
    });
  });

  it('allows DevTools only when asked (development builds)', () => {
    expect(secureWebPreferences('/p', { allowDevTools: true }).devTools).toBe(true);
  });
});

describe('navigation (check 6)', () => {
  it.each([
    [`${APP_ORIGIN}/index.html`, true],
    [`${APP_ORIGIN}/index.html#/session`, true],
    ['app://renderer.evil.example/index.html', false],
    ['app://evil/index.html', false],
    ['https://renderer/index.html', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s stays in the app: %s', (url, allowed) => {
    expect(isAppUrl(url, APP_ORIGIN)).toBe(allowed);
  });

  it('compares ports too in development', () => {
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
  });

  it('opens external links only for allow-listed https hosts', () => {
    expect(isAllowedExternalLink('https://guidelines.example/x', ['guidelines.example'])).toBe(true);
    expect(isAllowedExternalLink('http://guidelines.example/x', ['guidelines.example'])).toBe(false);
    expect(isAllowedExternalLink('https://guidelines.example.evil/x', ['guidelines.example'])).toBe(false);
    expect(isAllowedExternalLink('https://anything.example/x')).toBe(false);
  });
});

describe('permissions (check 7)', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'display-capture', 'hid', 'serial', 'usb', 'openExternal'])(
    'denies %s by default',
    (permission) => {
      expect(isPermissionAllowed(permission)).toBe(false);
    },
  );

  it('allows only writing to the clipboard (the Copy button), nothing else', () => {
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
  });
});

describe('app:// asset resolution', () => {
  const root = '/opt/app/out/renderer';
  it('serves files inside the renderer folder', () => {
    expect(resolveAppAsset(root, `${APP_ORIGIN}/`)).toBe(`${root}/index.html`);
    expect(resolveAppAsset(root, `${APP_ORIGIN}/assets/index.js`)).toBe(`${root}/assets/index.js`);
  });

  it.each([`${APP_ORIGIN}/../main/index.js`, `${APP_ORIGIN}/%2e%2e/main/index.js`, `${APP_ORIGIN}/assets/..%2f..%2fmain%2findex.js`])(
    'never leaves the renderer folder for %s',
    (url) => {
      const resolved = resolveAppAsset(root, url);
      expect(resolved === null || resolved.startsWith(`${root}/`)).toBe(true);
    },
  );

  it.each([`${APP_ORIGIN}/a%00b`, 'app://other/index.html', `${APP_ORIGIN}/%E0%A4%A`, `${APP_ORIGIN}/a%5c..%5c..%5cmain`])('refuses %s', (url) => {
    expect(resolveAppAsset(root, url)).toBeNull();
  });
});
