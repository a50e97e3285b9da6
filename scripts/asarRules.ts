/**
 * Check 10 (asar contents), the pure part: which paths must never ship in `app.asar`, and which must.
 * Paths are as `@electron/asar` `listPackage` returns them (`/out/main/index.js`, or with backslashes on
 * Windows); directories are listed too, so a forbidden folder is reported along with its files.
 */
import { builtinModules } from 'node:module';

export interface ForbiddenAsarEntry {
  readonly path: string;
  readonly reason: string;
}

/** Packages Vite already bundles into out/renderer: shipping them again means a dependency is misclassified. */
export const RENDERER_ONLY_PACKAGES: readonly string[] = ['react', 'react-dom', 'zustand', 'dexie', 'scheduler'];

/** Build, test and lint tools: devDependencies that must never reach the app. */
export const BUILD_TOOL_PACKAGES: readonly string[] = [
  'electron-vite',
  'vite',
  'vitest',
  'playwright',
  'playwright-core',
  'typescript',
  'electron-builder',
  'app-builder-lib',
  'tsx',
  'esbuild',
  'rolldown',
  'electron',
  'eslint',
];
/** Scopes whose every package is tooling (`@playwright/test`, `@vitest/*`, `@electron/asar`, …). */
export const BUILD_TOOL_SCOPES: readonly string[] = ['@playwright', '@vitest', '@electron', '@doyensec', '@vitejs', '@rolldown', '@esbuild', '@typescript-eslint', '@eslint'];

/** The browser harness talks to main over WebSocket: its transport must not ship. */
export const HARNESS_PACKAGES: readonly string[] = ['ws'];

/** Packages main imports at run time (the production `dependencies`): they must be in the asar. */
export const RUNTIME_PACKAGES: readonly string[] = ['openai', 'zod'];

/** Files the packaged app cannot start without. */
export const REQUIRED_APP_FILES: readonly string[] = ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

/** `/out/main/index.js` or `\out\main\index.js` → `out/main/index.js`. */
export function normalizeAsarPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\/+/, '').replace(/\/+$/, '');
}

/** The package each `node_modules` segment of `path` names (`node_modules/@a/b/node_modules/c/x` → `@a/b`, `c`). */
export function packagesInPath(path: string): string[] {
  const segments = normalizeAsarPath(path).split('/');
  const names: string[] = [];
  for (let i = 0; i < segments.length - 1; i += 1) {
    if (segments[i] !== 'node_modules') continue;
    const first = segments[i + 1] ?? '';
    const second = segments[i + 2];
    names.push(first.startsWith('@') && second !== undefined ? `${first}/${second}` : first);
  }
  return names;
}

type Rule = (path: string, segments: readonly string[], base: string) => string | null;

const TS_SOURCE = /\.(?:ts|mts|cts|tsx)$/i;
const TS_DECLARATION = /\.d\.(?:ts|mts|cts)$/i;

const RULES: readonly Rule[] = [
  // Package rules first: naming the package is the most useful reason.
  (path) => {
    const hit = packagesInPath(path).find((name) => RENDERER_ONLY_PACKAGES.includes(name));
    return hit ? `renderer-only library ${hit} (Vite bundles it into out/renderer)` : null;
  },
  (path) => {
    const hit = packagesInPath(path).find(
      (name) => BUILD_TOOL_PACKAGES.includes(name) || BUILD_TOOL_SCOPES.some((scope) => name.startsWith(`${scope}/`)),
    );
    return hit ? `build or test tool ${hit}` : null;
  },
  (path) => {
    const hit = packagesInPath(path).find((name) => HARNESS_PACKAGES.includes(name));
    return hit ? `harness transport package ${hit}` : null;
  },
  (path) => (/\.map$/i.test(path) ? 'source map' : null),
  (_path, segments, base) =>
    /\.(?:test|spec)\.[^/]+$/i.test(base) || segments.some((s) => s === 'test' || s === 'tests' || s === '__tests__')
      ? 'test file or folder'
      : null,
  (_path, segments) => (segments.some((s) => /fixture/i.test(s)) ? 'test fixture' : null),
  (_path, _segments, base) => (/^\.env(?:\..*)?$/i.test(base) ? '.env file' : null),
  (_path, _segments, base) =>
    /\.(?:pem|key|p12|pfx)$/i.test(base) || /^id_(?:rsa|dsa|ecdsa|ed25519)$/.test(base) ? 'private key or certificate' : null,
  (path, segments) => {
    if (!TS_SOURCE.test(path)) return null;
    if (TS_DECLARATION.test(path) && segments.includes('node_modules')) return null;
    return 'TypeScript source';
  },
  (_path, segments) => (segments[0] === 'src' ? 'app source folder src/' : null),
  (path, _segments, base) =>
    /harness/i.test(path) || base === 'bridge.js' || path.includes('INSECURE') ? 'browser-harness code' : null,
];

/** Every path that must not ship, with the first rule it breaks. An empty result means the asar is clean. */
export function findForbiddenAsarEntries(paths: string[]): { path: string; reason: string }[] {
  const found: ForbiddenAsarEntry[] = [];
  for (const raw of paths) {
    const path = normalizeAsarPath(raw);
    if (path === '') continue;
    const segments = path.split('/');
    const base = segments[segments.length - 1] ?? '';
    for (const rule of RULES) {
      const reason = rule(path, segments, base);
      if (reason) {
        found.push({ path, reason });
        break;
      }
    }
  }
  return found;
}

/**
 * What the app needs and the asar lacks: the entry files (`out/main/index.js`, the preload, the renderer's
 * `index.html`, `package.json`) and each runtime package's `package.json` at the top of `node_modules`.
 */
export function missingRequiredAsarEntries(paths: string[], runtimePackages: readonly string[] = RUNTIME_PACKAGES): string[] {
  const present = new Set(paths.map(normalizeAsarPath));
  const required = [...REQUIRED_APP_FILES, ...runtimePackages.map((name) => `node_modules/${name}/package.json`)];
  return required.filter((path) => !present.has(path));
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * The packages a bundle loads at run time: bare specifiers of static `import … from`, `export … from`,
 * side-effect `import '…'`, `import('…')` and `require('…')`, minus Node built-ins and `electron`.
 * A regex scan is enough for electron-vite's unminified output, where externals stay as plain imports.
 */
export function externalPackagesOf(code: string): string[] {
  const specifiers = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) if (match[1]) specifiers.add(match[1]);
  const packages = new Set<string>();
  for (const specifier of specifiers) {
    if (specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '')) continue;
    if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) continue;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
    if (name === 'electron') continue;
    packages.add(name);
  }
  return [...packages].sort();
}
