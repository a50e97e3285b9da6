import { AppError, type ErrorCode } from '../../shared/errors';

/** Name of the policy setting that allows Linux's unprotected `basic_text` secret store. */
export const ALLOW_BASIC_TEXT_SETTING = 'allowBasicTextKeyStorage';
/** Name of the policy setting that holds IT's recovery public key (SPKI PEM). */
export const RECOVERY_KEY_SETTING = 'recoveryPublicKey';

/** The passphrase does not unwrap the profile's data key. Says nothing about how close it was. */
export class WrongPassphraseError extends AppError {
  constructor() {
    super('FORBIDDEN', 'The passphrase is not correct for this profile.');
  }
}

/** No profile has that id (removed, or never on this workstation). */
export class ProfileNotFoundError extends AppError {
  constructor(profileId: string) {
    super('INVALID_INPUT', `No profile ${profileId} on this workstation.`);
  }
}

/**
 * Another clinician's profile is unlocked: the profile store never switches by itself, because a switch must be a
 * full sign-out of the first clinician (their running answers sealed, their sessions closed) — `SignOut` does that,
 * and the unlock is asked again.
 */
export class OtherProfileUnlockedError extends AppError {
  constructor() {
    super('LOCKED', 'Another clinician signed in on this workstation at the same moment. Sign in again.');
  }
}

/** A name or passphrase that the profile rules refuse; the message says which rule, never the value. */
export class ProfileInputError extends AppError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/**
 * Why the OS secret store (Electron `safeStorage`, the outer layer around each profile's data key) cannot be used:
 * - `unavailable`: the OS reports no secret store;
 * - `weak-backend`: Linux's `basic_text` backend, which protects nothing, and policy does not allow it;
 * - `backend-changed`: the backend that sealed the profile is not the one running now — never re-keyed silently;
 * - `failed`: the store could not open what it sealed (another OS account, a reset keyring).
 */
export type SecretStorageFailure = 'unavailable' | 'weak-backend' | 'backend-changed' | 'failed';

const STORAGE_CODES: Record<SecretStorageFailure, ErrorCode> = {
  unavailable: 'INTERNAL',
  'weak-backend': 'FORBIDDEN',
  'backend-changed': 'INTERNAL',
  failed: 'INTERNAL',
};

/** The OS secret store cannot protect profile keys here. The message tells IT what to do. */
export class SecretStorageError extends AppError {
  constructor(
    readonly reason: SecretStorageFailure,
    message: string,
  ) {
    super(STORAGE_CODES[reason], message);
  }

  static unavailable(): SecretStorageError {
    return new SecretStorageError('unavailable', 'The operating system’s secret store is not available, so profile keys cannot be protected. Ask IT.');
  }

  static weakBackend(): SecretStorageError {
    return new SecretStorageError(
      'weak-backend',
      `The operating system’s secret store on this workstation is "basic_text", which stores keys without protection. ` +
        `Install or unlock a keyring (GNOME Keyring, KWallet), or IT can accept the risk with the policy setting ${ALLOW_BASIC_TEXT_SETTING}.`,
    );
  }

  static backendChanged(sealedWith: string, now: string): SecretStorageError {
    return new SecretStorageError(
      'backend-changed',
      `This profile's keys were protected by the secret store "${sealedWith}", but this workstation now uses "${now}". ` +
        'The profile was not re-keyed. Restore the previous secret store, or ask IT for the recovery procedure.',
    );
  }

  static failed(): SecretStorageError {
    return new SecretStorageError(
      'failed',
      'The operating system’s secret store could not open this profile’s keys (another OS account, or a reset keyring). Ask IT for the recovery procedure.',
    );
  }
}

/**
 * Why IT recovery failed:
 * - `invalid-key`: the PEM is not an RSA key of the expected kind and size;
 * - `no-escrow`: the profile has no copy of its key escrowed for IT;
 * - `wrong-key`: the private key is not the one the profile's key was escrowed to.
 */
export type RecoveryFailure = 'invalid-key' | 'no-escrow' | 'wrong-key';

/** The IT recovery key could not be used. */
export class RecoveryKeyError extends AppError {
  constructor(
    readonly reason: RecoveryFailure,
    message: string,
  ) {
    super(reason === 'invalid-key' ? 'INVALID_INPUT' : 'FORBIDDEN', message);
  }
}

/** The profiles file exists but cannot be used. Never treated as empty: that would orphan every profile. */
export class ProfileFileError extends AppError {
  constructor(path: string, problem: string) {
    super('INTERNAL', `The profiles file ${path} cannot be used: ${problem}. Restore it from a backup or ask IT.`);
  }
}
