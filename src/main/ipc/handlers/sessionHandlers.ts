import type { SessionStore } from '../../sessions/sessionStore';
import type { OperationHandlers } from '../registrar';

/** `api.sessions.*`: the caller's own sessions only; main checks the owner on every call. */
export function sessionHandlers(
  store: SessionStore,
  currentOwner: () => string,
): Pick<OperationHandlers, 'sessions.get' | 'sessions.list' | 'sessions.delete'> {
  return {
    'sessions.get': async (input) => store.info(input.sessionId, currentOwner()),
    'sessions.list': async () => {
      const sessions = store.list(currentOwner());
      return { count: sessions.length, sessions };
    },
    'sessions.delete': async (input) => ({ deleted: store.delete(input.sessionId, currentOwner()) }),
  };
}
