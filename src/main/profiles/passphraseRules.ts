import { MAX_PASSPHRASE_LENGTH } from '../../shared/auth';
import { normalizePassphrase } from './kdf';

/** Shortest passphrase accepted: NIST SP 800-63B asks for length, not composition rules. */
export const MIN_PASSPHRASE_LENGTH = 12;

/**
 * The 20 most common passwords in breach corpora (NCSC's top list from Have I Been Pwned). Most are shorter than
 * {@link MIN_PASSPHRASE_LENGTH} already; they matter here padded to length by repetition ("passwordpassword",
 * "123456789012"), which {@link passphraseProblem} also refuses.
 */
export const MOST_COMMON_PASSWORDS: readonly string[] = [
  '123456',
  '123456789',
  'qwerty',
  'password',
  '111111',
  '12345678',
  'abc123',
  '1234567',
  'password1',
  '12345',
  '1234567890',
  '123123',
  '000000',
  'iloveyou',
  '1234',
  '1q2w3e4r5t',
  'qwertyuiop',
  '123',
  'monkey',
  'dragon',
];

/** True when `text` is `word` repeated and cut to length (`passwordpass`, `123412341234`). */
function isRepetitionOf(text: string, word: string): boolean {
  return text.length >= word.length && word.repeat(Math.ceil(text.length / word.length)).slice(0, text.length) === text;
}

/**
 * What is wrong with `passphrase` as a new passphrase, or null when it is acceptable: at least 12 characters
 * (Unicode code points, after NFKC normalization, spaces count), at most 1,024, and not one of the most common
 * passwords, alone or repeated. The message never quotes the passphrase.
 */
export function passphraseProblem(passphrase: string): string | null {
  const normalized = normalizePassphrase(passphrase);
  const length = [...normalized].length;
  if (length < MIN_PASSPHRASE_LENGTH) return `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long; a few unrelated words work well.`;
  if (length > MAX_PASSPHRASE_LENGTH) return `The passphrase must be at most ${MAX_PASSPHRASE_LENGTH} characters long.`;
  const lower = normalized.toLowerCase();
  const [first] = lower;
  if (first !== undefined && isRepetitionOf(lower, first)) return 'The passphrase must not be one character repeated.';
  if (MOST_COMMON_PASSWORDS.some((common) => isRepetitionOf(lower, common))) {
    return 'That passphrase is one of the most common passwords, which are tried first. Choose another.';
  }
  return null;
}
