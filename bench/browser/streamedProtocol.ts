/**
 * The long protocol the UI benchmark streams (`ui.stream_frame_p95_ms`): Markdown as a model writes it — headings,
 * numbered steps with a bold label, nested bullets, bold inside sentences, a closing paragraph — built from the
 * workload's seeded clinical sentences. Pure function of the seed.
 *
 * Warning: the test server cuts every reply to the request's `max_tokens` (the app sends its `maxOutputTokens`,
 * 1,024 by default) at 4 bytes per token; a cut reply would end the turn as "incomplete". So the text stops at
 * `maxBytes` even short of `targetWords`, and the suite reports the words actually streamed.
 */
import { estimateTokens } from '../../test/fakes/fakeLlmServer';
import { deriveSeed, mulberry32, pick } from '../prng';
import { answerMessage } from '../workload';

/** Step labels, shown bold at the start of each numbered step. */
const LABELS = ['Airway and breathing', 'Circulation', 'Antimicrobials', 'Investigations', 'Fluids', 'Monitoring', 'Escalation', 'Medication review'] as const;
const SECTIONS = ['Immediate steps', 'Within the first hour', 'Next 24 hours'] as const;

export interface StreamedProtocol {
  readonly text: string;
  readonly words: number;
  readonly bytes: number;
  /** The test server's token count for it (4 bytes a token). */
  readonly tokens: number;
}

/** About `targetWords` words of Markdown, never more than `maxBytes` bytes (ASCII: one byte a character). */
export function streamedProtocol(seed: number, targetWords = 600, maxBytes = 3_950): StreamedProtocol {
  const random = mulberry32(deriveSeed(seed, 0x57e4a));
  // A supply of whole clinical sentences ("Start ceftriaxone 2 g IV once daily.", …).
  const sentences = (): string[] => answerMessage(random, { userChars: 0, answerChars: 600, spread: 0 }).split(/(?<=[.!?])\s+(?=[A-Z])/);
  let pool: string[] = [];
  const sentence = (): string => {
    if (pool.length === 0) pool = sentences().map((text) => text.trim()).filter((text) => text !== '');
    return pool.shift() ?? 'Reassess the patient.';
  };
  const bolden = (text: string): string => text.replace(/^(\S+ \S+)/, '**$1**');

  const lines: string[] = ['## Working assessment', '', `${sentence()} ${sentence()} Treat as **time-critical** until proven otherwise.`];
  const closing = ['', '**Note:** this protocol supports, and does not replace, clinical judgement.'];
  // One numbered step at a time (a heading before every fourth), while the whole still fits.
  for (let step = 1; ; step += 1) {
    const heading = step % 4 === 1 ? ['', `## ${SECTIONS[Math.floor(step / 4) % SECTIONS.length]}`, ''] : [];
    const item = [`${step}. **${pick(random, LABELS)}:** ${sentence()} ${sentence()}`, `   - ${bolden(sentence())}`, `   - ${sentence()}`];
    const candidate = [...lines, ...heading, ...item, ...closing].join('\n');
    if (candidate.length > maxBytes) break;
    lines.push(...heading, ...item);
    if (candidate.split(/\s+/).length >= targetWords) break;
  }
  lines.push(...closing);
  const text = lines.join('\n');
  return { text, words: text.split(/\s+/).filter((word) => word !== '').length, bytes: text.length, tokens: estimateTokens(text) };
}
