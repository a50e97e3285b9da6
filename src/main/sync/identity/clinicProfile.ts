/**
 * The identity flows of a clinic profile, from the workstation's side: publishing a profile, signing in with one on
 * any workstation, and changing its passphrase. The passphrase stays here: the server gets the auth key, the KDF
 * parameters and the data key wrapped by the wrap key (see clinicKeys.ts).
 */
import { AppError } from '../../../shared/errors';
import type { ChangeKeysInput, ClinicKdf, RegisterInput, SignInOutput, Workstation } from '../../../shared/sync/identity';
import { WrongPassphraseError } from '../../profiles/profileErrors';
import { RecoveryEscrow } from '../../profiles/recoveryEscrow';
import { KeyUnwrapError } from '../../vault/keyWrap';
import type { CryptoKey } from '../../vault/webCryptoTypes';
import type { SyncClient } from '../http/syncClient';
import { SyncRequestError } from '../http/syncClientErrors';
import { newClinicKdf, unwrapDataKeyFromClinic, wrapDataKeyForClinic } from './clinicDataKey';
import { deriveClinicKeys } from './clinicKeys';

/**
 * The server signed the clinician in, but the keys it holds do not open with the passphrase that did (or its escrow
 * is not one this app writes): a broken or hostile server. Nothing of it is used.
 */
export class ClinicKeysError extends AppError {
  constructor() {
    super('INTERNAL', "The sync server's copy of this profile's keys cannot be used. Tell IT; the profile on this workstation is unchanged.");
  }
}

/** What publishing a profile needs: who, the passphrase, and the data key (extractable, lent for this call). */
export interface ClinicRegistrationParts {
  readonly profileId: string;
  readonly name: string;
  readonly passphrase: string;
  readonly dataKey: CryptoKey;
  readonly escrow: RecoveryEscrow | null;
  readonly workstation: Workstation;
  /** The clinic's enrollment secret from policy (`syncEnrollmentSecret`); empty or absent: none is sent. */
  readonly enrollmentSecret?: string;
}

/** The auth key and the keys the server keeps for `passphrase`: fresh KDF parameters, the data key wrapped. */
async function clinicKeysFor(profileId: string, passphrase: string, dataKey: CryptoKey, escrow: RecoveryEscrow | null) {
  const kdf = newClinicKdf();
  const { wrapKey, authKey } = await deriveClinicKeys(passphrase, kdf);
  const wrappedDataKey = await wrapDataKeyForClinic(dataKey, wrapKey, profileId);
  return { authKey, keys: { kdf, wrappedDataKey, escrow: escrow === null ? null : JSON.stringify(escrow) } };
}

/** The registration to send: fresh KDF parameters, the auth key, and the data key wrapped by the wrap key. */
export async function clinicRegistration(parts: ClinicRegistrationParts): Promise<RegisterInput> {
  const { authKey, keys } = await clinicKeysFor(parts.profileId, parts.passphrase, parts.dataKey, parts.escrow);
  const secret = parts.enrollmentSecret ?? '';
  return { profileId: parts.profileId, name: parts.name, authKey, keys, workstation: parts.workstation, ...(secret === '' ? {} : { enrollmentSecret: secret }) };
}

/** What a sign-in hands to `adopt`: the server's answer, the data key (extractable, for that call) and IT's escrow. */
export interface ClinicSignIn {
  readonly signedIn: SignInOutput;
  readonly dataKey: CryptoKey;
  readonly escrow: RecoveryEscrow | null;
}

/**
 * Signs in with a clinic profile: prelogin by name, the KDF (parameters outside the workstation's bounds refused,
 * see `deriveClinicKeys`), sign-in with the auth key, and the data key unwrapped with the wrap key — lent extractable
 * to `adopt` only, which stores it under this workstation's own layers (`adoptProfileKeys`) and must not keep it.
 *
 * A wrong passphrase and an unknown name both end in {@link WrongPassphraseError}: prelogin answers a fake KDF for an
 * unknown name, so the lock screen cannot tell them apart either. Other refusals are `SyncRequestError` (e.g.
 * RATE_LIMITED with its wait), `SyncOfflineError`, or {@link ClinicKeysError}.
 */
export async function signInWithClinicProfile<T>(
  client: SyncClient,
  input: { readonly name: string; readonly passphrase: string; readonly workstation: Workstation },
  adopt: (signIn: ClinicSignIn) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const { kdf } = await client.prelogin({ name: input.name }, signal);
  const { wrapKey, authKey } = await deriveClinicKeys(input.passphrase, kdf);
  let signedIn: SignInOutput;
  try {
    signedIn = await client.signIn({ name: input.name, authKey, workstation: input.workstation }, signal);
  } catch (error) {
    if (error instanceof SyncRequestError && error.code === 'UNAUTHORIZED') throw new WrongPassphraseError();
    throw error;
  }
  let dataKey: CryptoKey;
  try {
    dataKey = await unwrapDataKeyFromClinic(signedIn.keys.wrappedDataKey, wrapKey, signedIn.profileId, true);
  } catch (error) {
    if (error instanceof KeyUnwrapError) throw new ClinicKeysError();
    throw error;
  }
  return adopt({ signedIn, dataKey, escrow: parseEscrow(signedIn.keys.escrow) });
}

/** The escrow as the server keeps it (JSON of the record this app writes), or null; anything else is refused. */
function parseEscrow(text: string | null): RecoveryEscrow | null {
  if (text === null) return null;
  try {
    return RecoveryEscrow.parse(JSON.parse(text));
  } catch {
    throw new ClinicKeysError();
  }
}

/** What a passphrase change sends: proof with the current passphrase, and the same data key under the next one. */
export interface ClinicKeyChangeParts {
  readonly profileId: string;
  /** The profile's KDF parameters on the server now (from sign-in or `profile()`). */
  readonly currentKdf: ClinicKdf;
  readonly currentPassphrase: string;
  readonly nextPassphrase: string;
  /** The data key, extractable, lent for this call. */
  readonly dataKey: CryptoKey;
  readonly escrow: RecoveryEscrow | null;
}

/**
 * The `changeKeys` input for a passphrase change: the current auth key (from the current passphrase and the server's
 * KDF parameters), and fresh parameters, auth key and wrap of the same data key for the next passphrase. Once the
 * server has it, the old passphrase signs in nowhere; records and session keys stay as they are.
 */
export async function clinicKeyChange(parts: ClinicKeyChangeParts): Promise<ChangeKeysInput> {
  const current = await deriveClinicKeys(parts.currentPassphrase, parts.currentKdf);
  const next = await clinicKeysFor(parts.profileId, parts.nextPassphrase, parts.dataKey, parts.escrow);
  return { currentAuthKey: current.authKey, ...next };
}
