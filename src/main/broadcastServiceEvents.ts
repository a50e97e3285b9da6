import type { RegisteredOperations } from './ipc/registrar';
import type { MainServices } from './services';

/**
 * Sends main's own events to the pages that called in — the clinician's sign-in state, the model server's and the
 * sync's status, records pulled from the clinician's other workstations (delivered as main's own seals are), the
 * clinician's sessions shredded without their page asking and those not yet on the sync server —
 * for the Electron window and the browser harness alike. Answers the function that stops them all.
 */
export function broadcastServiceEvents(services: MainServices, registration: Pick<RegisteredOperations, 'broadcast'>): () => void {
  const stops = [
    services.onAuthState((state) => registration.broadcast('auth.stateChanged', state)),
    services.onLlmStatus((status) => registration.broadcast('llm.statusChanged', status)),
    services.onSyncStatus((status) => registration.broadcast('sync.statusChanged', status)),
    services.onSyncedRecords((records) => registration.broadcast('vault.record', { records })),
    services.onSessionsRemoved((event) => registration.broadcast('sessions.removed', event)),
    services.onUnsyncedSessions((unsynced) => registration.broadcast('sync.unsyncedSessionsChanged', unsynced)),
  ];
  return () => stops.forEach((stop) => stop());
}
