// @ts-check
/**
 * The folders of src/main and which other folders each may import: a layered graph with no cycles, checked on every
 * import by the `cpa/main-layers` lint rule below (tests are exempt: they may reach across to set things up).
 *
 * `core` is the bottom layer — clock, durable files, logging, queues, the platform interfaces, the start-up
 * configuration error — and imports nothing else of main. Above it each domain names what it builds on; adding an
 * edge that would close a cycle is refused by test/security/mainLayers.test.ts, so "who may import whom" stays a
 * decision someone reviews, not an accident of the last refactor.
 */

/** @type {Readonly<Record<string, readonly string[]>>} */
export const MAIN_LAYERS = {
  core: [],
  logging: ['core'],
  vault: ['core'],
  audit: ['core'],
  llm: ['core'],
  net: ['core'],
  analytics: ['core'],
  windows: ['core'],
  profiles: ['core', 'vault'],
  sessions: ['core', 'llm'],
  config: ['core', 'net', 'profiles'],
  auth: ['core', 'audit', 'profiles'],
  export: ['core', 'audit', 'vault', 'sessions', 'history'],
  history: ['core', 'audit', 'vault', 'sessions', 'analytics', 'profiles'],
  ipc: ['core', 'analytics', 'audit', 'auth', 'config', 'export', 'history', 'profiles', 'sessions', 'vault', 'llm'],
  diagnostics: ['core', 'audit', 'ipc', 'logging'],
  platform: ['core', 'ipc', 'net', 'windows'],
  // The sync client: builds on the vault's ciphers and the profiles' passphrase rules; nothing below imports it.
  sync: ['core', 'vault', 'profiles'],
};

/** Finds a cycle in `layers` (as a list of folders, first = last), or null when there is none. */
export function findLayerCycle(layers = MAIN_LAYERS) {
  /** @type {Map<string, 'visiting' | 'done'>} */
  const state = new Map();
  /** @type {string[]} */
  const stack = [];
  /** @param {string} folder @returns {string[] | null} */
  const visit = (folder) => {
    if (state.get(folder) === 'done') return null;
    if (state.get(folder) === 'visiting') return [...stack.slice(stack.indexOf(folder)), folder];
    state.set(folder, 'visiting');
    stack.push(folder);
    for (const next of layers[folder] ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(folder, 'done');
    return null;
  };
  for (const folder of Object.keys(layers)) {
    const cycle = visit(folder);
    if (cycle) return cycle;
  }
  return null;
}

/** The folder of src/main a path is in (`core`, `vault`…), '' for a file at src/main's top, null outside src/main. */
function mainFolderOf(/** @type {string} */ file) {
  const normalized = file.replaceAll('\\', '/');
  const at = normalized.lastIndexOf('/src/main/');
  const rest = at >= 0 ? normalized.slice(at + '/src/main/'.length) : normalized.startsWith('src/main/') ? normalized.slice('src/main/'.length) : null;
  if (rest === null) return null;
  const slash = rest.indexOf('/');
  return slash < 0 ? '' : rest.slice(0, slash);
}

/** Joins a relative import specifier onto the importing file's folder (POSIX separators). */
function resolveRelative(/** @type {string} */ fromFile, /** @type {string} */ specifier) {
  const parts = fromFile.replaceAll('\\', '/').split('/');
  parts.pop();
  for (const part of specifier.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** @type {import('eslint').Rule.RuleModule} */
export const mainLayersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between folders of src/main follow MAIN_LAYERS (eslint/mainLayers.js): no cycles, core imports nothing.' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = mainFolderOf(file);
    if (from === null || from === '' || /\.test\.tsx?$/.test(file)) return {};
    const allowed = MAIN_LAYERS[from];
    /** @param {any} node */
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const to = mainFolderOf(resolveRelative(file, specifier));
      if (to === null || to === from) return;
      if (to === '') {
        context.report({ node, message: `src/main/${from} must not import the composition root (src/main/*.ts): it wires the folders, not the other way round.` });
        return;
      }
      if (!allowed) {
        context.report({ node, message: `src/main/${from} is not declared in eslint/mainLayers.js: add it with the folders it may import.` });
        return;
      }
      if (!allowed.includes(to)) {
        context.report({
          node,
          message: `src/main/${from} may not import src/main/${to} (allowed: ${allowed.join(', ') || 'nothing else of main'}). See eslint/mainLayers.js: the layers keep main free of import cycles.`,
        });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: (node) => check({ source: node.source, ...node }) };
  },
};
