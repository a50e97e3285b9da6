import type { AuthService } from '../../auth/authService';
import type { OperationHandlers } from '../registrar';

type AuthOperation =
  | 'auth.listProfiles'
  | 'auth.createProfile'
  | 'auth.unlock'
  | 'auth.lock'
  | 'auth.changePassphrase'
  | 'auth.state'
  | 'auth.reportActivity';

/** `api.auth.*`: thin; the service audits and enforces policy. */
export function authHandlers(auth: AuthService, reportActivity: () => void): Pick<OperationHandlers, AuthOperation> {
  return {
    'auth.listProfiles': async () => auth.listProfiles(),
    'auth.createProfile': (input) => auth.createProfile(input.name, input.passphrase),
    'auth.unlock': (input) => auth.unlock(input.profileId, input.passphrase),
    'auth.lock': () => auth.lock('manual'),
    'auth.changePassphrase': async (input) => {
      await auth.changePassphrase(input.currentPassphrase, input.newPassphrase);
      return { done: true };
    },
    'auth.state': async () => auth.state(),
    'auth.reportActivity': async () => {
      reportActivity();
      return { done: true };
    },
  };
}
