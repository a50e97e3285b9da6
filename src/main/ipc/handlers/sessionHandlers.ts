import type { SessionInfo } from '../../../shared/sessions';
import type { SealedRecord } from '../../../shared/vault';
import type { SessionStore } from '../../sessions/sessionStore';
import type { CallInfo, OperationHandlers } from '../registrar';

/** `api.sessions.*`: the caller's own sessions only; main checks the owner on every call. Delete crypto-shreds. */
export function sessionHandlers(
  store: SessionStore,
  currentOwner: () => string,
  deleteSession: (sessionId: string, ownerId: string) => Promise<boolean>,
  resume: (records: SealedRecord[], call: CallInfo, branchTurnId: string | null) => Promise<SessionInfo>,
): Pick<OperationHandlers, 'sessions.get' | 'sessions.list' | 'sessions.delete' | 'sessions.resume'> {
  return {
    'sessions.get': async (input) => store.info(input.sessionId, currentOwner()),
    'sessions.list': async () => {
      const sessions = store.list(currentOwner());
      return { count: sessions.length, sessions };
    },
    'sessions.delete': async (input) => ({ deleted: await deleteSession(input.sessionId, currentOwner()) }),
    'sessions.resume': (input, call) => resume(input.records as SealedRecord[], call, input.branchTurnId ?? null),
  };
}
