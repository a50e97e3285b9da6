/**
 * Maps a position in generated code back to its source through a v3 source map's `mappings`. Used by
 * scripts/electronegativity.ts, which scans a syntax-lowered copy of the bundle but reports the lines of the
 * bundle that ships. Just enough of the format for one source per map (what `esbuild.transform` emits).
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** Decodes one segment's base64 VLQ fields. */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`invalid base64 VLQ character ${JSON.stringify(char)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new Error('truncated base64 VLQ segment');
  return values;
}

interface Segment {
  readonly column: number;
  readonly source: number;
  readonly line: number;
  readonly sourceColumn: number;
}

/** Per generated line (0-based), its segments that point into a source, in column order. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let sourceIndex = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const text of lineText.split(',')) {
      if (text === '') continue;
      const fields = decodeVlq(text);
      column += fields[0] ?? 0;
      if (fields.length < 4) continue;
      sourceIndex += fields[1] ?? 0;
      sourceLine += fields[2] ?? 0;
      sourceColumn += fields[3] ?? 0;
      segments.push({ column, source: sourceIndex, line: sourceLine, sourceColumn });
    }
    lines.push(segments);
  }
  return lines;
}

/**
 * The original position (1-based line, 0-based column, like Babel and Electronegativity) of a generated one:
 * the nearest mapped segment at or before it on the same line, else the line's first, else the last mapping
 * of an earlier line. Null when nothing maps.
 */
export function originalPosition(decoded: Segment[][], line: number, column: number): { line: number; column: number } | null {
  const segments = decoded[line - 1];
  if (segments && segments.length > 0) {
    let best = segments[0];
    for (const segment of segments) if (segment.column <= column) best = segment;
    if (best) return { line: best.line + 1, column: best.sourceColumn };
  }
  for (let index = Math.min(line - 2, decoded.length - 1); index >= 0; index -= 1) {
    const last = decoded[index]?.at(-1);
    if (last) return { line: last.line + 1, column: last.sourceColumn };
  }
  return null;
}
