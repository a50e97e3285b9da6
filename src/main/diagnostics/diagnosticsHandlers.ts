import type { OperationHandlers } from '../ipc/registrar';
import type { Diagnostics } from '../../shared/diagnostics';

/** `api.app.diagnostics`: the support bundle (unlocked clinicians only, like every data call). */
export function diagnosticsHandlers(build: () => Promise<Diagnostics>): Pick<OperationHandlers, 'app.diagnostics'> {
  return { 'app.diagnostics': () => build() };
}
