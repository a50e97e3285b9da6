/** Longest display name: fits the lock screen and matches the IPC contract. */
export const MAX_PROFILE_NAME_LENGTH = 80;

// Control and format characters (incl. bidi overrides) could make two names look alike or break the lock screen.
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** The name as stored: trimmed. */
export function cleanProfileName(name: string): string {
  return name.trim();
}

/** The form names are compared in: two names that differ only in case or Unicode form are the same name. */
export function profileNameKey(name: string): string {
  return cleanProfileName(name).normalize('NFKC').toLowerCase();
}

/** What is wrong with `name` as a display name (1–80 characters after trimming, nothing invisible), or null. */
export function profileNameProblem(name: string): string | null {
  const cleaned = cleanProfileName(name);
  const length = [...cleaned].length;
  if (length < 1) return 'The profile name is required.';
  if (length > MAX_PROFILE_NAME_LENGTH) return `The profile name must be at most ${MAX_PROFILE_NAME_LENGTH} characters long.`;
  if (INVISIBLE.test(cleaned)) return 'The profile name must not contain control or invisible characters.';
  return null;
}
