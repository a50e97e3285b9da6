import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Rules that hold over the whole source tree (checks 1, 4, 8, 26): one window factory, one place that registers
 * IPC handlers, a strict CSP, and no TLS-verification bypass anywhere.
 */
const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs|cjs|html)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function filesMatching(pattern: RegExp, roots = ['src']): string[] {
  return roots
    .flatMap((root) => sourceFiles(join(ROOT, root)))
    .filter((file) => pattern.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));
}

describe('source rules', () => {
  it('creates windows in one factory only (check 1)', () => {
    expect(filesMatching(/new\s+BrowserWindow\s*\(/)).toEqual(['src/main/windows/createSecureWindow.ts']);
  });

  it('installs IPC handlers only through the registrar’s Electron adapter (check 4)', () => {
    expect(filesMatching(/ipcMain\.(handle|on|once|handleOnce)\s*\(/)).toEqual(['src/main/platform/electronIpcTransport.ts']);
  });

  it('exposes nothing to the page but the contract-built api (check 3)', () => {
    expect(filesMatching(/exposeInMainWorld|exposeInIsolatedWorld/)).toEqual(['src/preload/index.ts']);
  });

  it('never bypasses TLS verification (check 26)', () => {
    const bypass = /rejectUnauthorized\s*:\s*false|NODE_TLS_REJECT_UNAUTHORIZED|certificate-error|ignore-certificate-errors/;
    expect(filesMatching(bypass, ['src', 'scripts'])).toEqual([]);
    // The one verify proc adds IT's trust anchors and keeps Chromium's verdict otherwise (tested beside it).
    expect(filesMatching(/setCertificateVerifyProc/, ['src', 'scripts'])).toEqual(['src/main/platform/electronExtraCaTrust.ts']);
  });

  it('uses only crypto randomness for ids (check 11)', () => {
    expect(filesMatching(/Math\.random\s*\(/)).toEqual([]);
  });

  it('ships a strict CSP in the renderer page (check 8)', () => {
    const html = readFileSync(join(ROOT, 'src/renderer/index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
