/**
 * The lock screen's rules and wording, kept pure so they are tested without a page. Main has the last word on
 * every passphrase (its policy may ask for more); these checks only spare the clinician a round trip.
 */
import { MAX_PASSPHRASE_LENGTH } from '../../../../shared/auth';
import type { AuthState } from '../../../../shared/auth';

/** Shortest new passphrase the forms accept. */
export const MIN_PASSPHRASE_LENGTH = 12;
/** Longest profile name main accepts. */
export const MAX_PROFILE_NAME_LENGTH = 80;

/** The hint under a new passphrase. */
export const NEW_PASSPHRASE_HINT = `At least ${MIN_PASSPHRASE_LENGTH} characters; a long phrase of several words is best.`;

/** Shown instead of the profile form when IT policy reserves profile creation to IT. */
export const ASK_IT_MESSAGE = 'Ask IT to create your profile: on this workstation, profiles are created by IT.';

/** Why the app is locked, in words for the lock screen; null when there is nothing to explain (start-up). */
export function lockReasonText(reason: AuthState['reason']): string | null {
  switch (reason) {
    case 'idle':
      return 'Locked after a period without activity.';
    case 'os-lock':
      return 'Locked because the screen was locked.';
    case 'manual':
      return 'Locked with the Lock button.';
    case 'removed':
      return 'Locked because the profile was removed.';
    case 'switched':
      return 'Signed out because another clinician signed in.';
    case 'start':
    case null:
      return null;
  }
}

/** Characters as people count them (an emoji is one), not UTF-16 units. */
function characterCount(text: string): number {
  return Array.from(text).length;
}

/** What is wrong with a new passphrase and its confirmation, or null when the form may send it. */
export function checkNewPassphrase(passphrase: string, confirmation: string): string | null {
  if (characterCount(passphrase) < MIN_PASSPHRASE_LENGTH) {
    return `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long; a long phrase is best.`;
  }
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) return `The passphrase must be at most ${MAX_PASSPHRASE_LENGTH} characters long.`;
  if (passphrase !== confirmation) return 'The two passphrases do not match. Please type them again.';
  return null;
}

/** What is wrong with a profile name, or null. */
export function checkProfileName(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Please enter your name.';
  if (trimmed.length > MAX_PROFILE_NAME_LENGTH) return `The name must be at most ${MAX_PROFILE_NAME_LENGTH} characters long.`;
  return null;
}

/** Shown under the unlock form when a clinic sync server is configured. */
export const CLINIC_SIGN_IN_HINT = 'Signed in on another workstation of the clinic before? Your profile can follow you here.';

/** Which box a problem with the clinic sign-in form is about, so the focus goes there. */
export type ClinicSignInField = 'name' | 'passphrase';

/**
 * What is wrong with the clinic sign-in form before anything is sent (the name is the one given when the profile was
 * created; the server compares it case-blind), or null when it may go to main.
 */
export function checkClinicSignIn(name: string, passphrase: string): { message: string; field: ClinicSignInField } | null {
  const nameProblem = checkProfileName(name);
  if (nameProblem !== null) return { message: nameProblem, field: 'name' };
  if (passphrase === '') return { message: 'Please type your passphrase.', field: 'passphrase' };
  if (passphrase.length > MAX_PASSPHRASE_LENGTH) {
    return { message: `The passphrase must be at most ${MAX_PASSPHRASE_LENGTH} characters long.`, field: 'passphrase' };
  }
  return null;
}
