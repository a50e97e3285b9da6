import { AppError } from '../../../shared/errors';

/**
 * Why the workstation refused key-derivation parameters it was given (by the sync server's prelogin, or a stored
 * profile): `malformed` (not the one algorithm, or a salt that is not 16 bytes of base64), `too-weak` (fewer
 * iterations than {@link MIN_CLINIC_KDF_ITERATIONS}: a server could otherwise downgrade the passphrase's protection)
 * or `too-costly` (more than {@link MAX_CLINIC_KDF_ITERATIONS}: a server could otherwise stall the workstation).
 */
export type ClinicKdfRefusal = 'malformed' | 'too-weak' | 'too-costly';

/**
 * The clinic profile's key-derivation parameters are refused, before any derivation ran. The message is for IT
 * and names no passphrase, no profile and no value.
 */
export class ClinicKdfRefusedError extends AppError {
  constructor(readonly reason: ClinicKdfRefusal) {
    super('FORBIDDEN', `The sync server asked for key-derivation settings this workstation refuses (${reason}). Tell IT.`);
  }
}
