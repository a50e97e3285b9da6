import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { decodeMappings, decodeVlq, originalPosition } from './sourceMapPosition';

describe('decodeVlq', () => {
  it('decodes base64 VLQ fields', () => {
    expect(decodeVlq('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeVlq('CADE')).toEqual([1, 0, -1, 2]);
    expect(decodeVlq('gB')).toEqual([16]);
    expect(decodeVlq('hB')).toEqual([-16]);
  });

  it('rejects garbage', () => {
    expect(() => decodeVlq('A!')).toThrow(/invalid/);
    expect(() => decodeVlq('g')).toThrow(/truncated/);
  });
});

describe('originalPosition', () => {
  it('maps a hand-written map', () => {
    // line 1: col 0 → src 0:0, col 4 → src 0:4; line 2: nothing; line 3: col 2 → src 2:0
    const decoded = decodeMappings('AAAA,IAAI;;EAEJ');
    expect(originalPosition(decoded, 1, 5)).toEqual({ line: 1, column: 4 });
    expect(originalPosition(decoded, 1, 0)).toEqual({ line: 1, column: 0 });
    expect(originalPosition(decoded, 2, 0)).toEqual({ line: 1, column: 4 });
    expect(originalPosition(decoded, 3, 9)).toEqual({ line: 3, column: 0 });
    expect(originalPosition([], 1, 0)).toBeNull();
  });

  it('finds the shipped line of code esbuild lowered (what scripts/electronegativity.ts relies on)', async () => {
    const code = [
      'import { BrowserWindow } from "electron";',
      'class Store {',
      '\t#items = new Map();',
      '\tget size() { return this.#items.size; }',
      '}',
      'export function open() {',
      '\tconst window = new BrowserWindow({ width: 10 });',
      '\treturn [window, new Store()];',
      '}',
    ].join('\n');
    const result = await transform(code, { loader: 'js', target: 'es2019', sourcemap: 'external', logLevel: 'silent' });
    const generatedLines = result.code.split('\n');
    const generatedIndex = generatedLines.findIndex((line) => line.includes('new BrowserWindow'));
    expect(generatedIndex).toBeGreaterThanOrEqual(0);
    expect(generatedIndex).not.toBe(6); // lowering private fields moved it
    const column = generatedLines[generatedIndex]?.indexOf('new BrowserWindow') ?? -1;
    const decoded = decodeMappings((JSON.parse(result.map) as { mappings: string }).mappings);
    expect(originalPosition(decoded, generatedIndex + 1, column)).toEqual({ line: 7, column: code.split('\n')[6]?.indexOf('new BrowserWindow') });
  });
});
