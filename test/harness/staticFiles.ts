import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** A file to send. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Reads `pathname` from inside `root`, or null when absent or outside it. */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const base = resolve(root);
  const target = resolve(base, `.${decoded === '/' ? '/index.html' : decoded}`);
  if (!target.startsWith(base + sep) || decoded.includes('\0')) return null;
  try {
    return { body: await readFile(target), contentType: CONTENT_TYPES[extname(target)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

/** Adds the bridge script to the app's index.html, after the CSP meta so the policy applies to it too. */
export function injectBridge(indexHtml: string, bridgePath: string): string {
  return indexHtml.replace('</head>', `  <script src="${bridgePath}"></script>\n  </head>`);
}
