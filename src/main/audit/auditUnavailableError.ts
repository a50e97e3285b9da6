import { AppError } from '../../shared/errors';

/**
 * The audit log cannot be written, so an operation that would show patient data does not run: access that cannot
 * be audited is not granted. The clinician reads the message; the reason (disk, permissions, keyring) is in the
 * operator log, for IT.
 */
export class AuditUnavailableError extends AppError {
  constructor() {
    super(
      'AUDIT_UNAVAILABLE',
      'The audit log cannot be written, so patient records stay closed until it can. Ask IT to check this workstation’s disk and keyring.',
    );
  }
}
