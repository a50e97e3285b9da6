/**
 * The names of the contract's operations and events, without their schemas. The preload builds `window.api`
 * from these alone, so the sandboxed preload bundle stays small and carries no validation library; main and the
 * renderer get the schemas from {@link ./contract}, which must list exactly these names (checked by its types).
 */

/** Prefix of every channel on the wire; anything else is not ours and is refused. */
export const CHANNEL_PREFIX = 'app:';

/** Every request/response operation, `<domain>.<verb>`. */
export const OPERATION_NAMES = [
  'auth.listProfiles',
  'auth.createProfile',
  'auth.unlock',
  'auth.lock',
  'auth.changePassphrase',
  'auth.state',
  'auth.reportActivity',
  'auth.signInWithClinicProfile',
  'protocol.generate',
  'protocol.cancel',
  'protocol.regenerate',
  'protocol.selectAnswer',
  'sessions.get',
  'sessions.list',
  'sessions.delete',
  'sessions.resume',
  'sessions.export',
  'vault.open',
  'vault.index',
  'vault.ack',
  'vault.search',
  'vault.analytics',
  'settings.get',
  'settings.set',
  'llm.status',
  'sync.status',
  'sync.now',
  'sync.unsyncedSessions',
  'app.diagnostics',
] as const;

/** Every event main pushes to a page, `<domain>.<event>`. */
export const EVENT_NAMES = [
  'auth.stateChanged',
  'protocol.turnStarted',
  'protocol.delta',
  'vault.record',
  'llm.statusChanged',
  'sync.statusChanged',
  'sync.unsyncedSessionsChanged',
  'sessions.removed',
] as const;

/** Operation names, e.g. `protocol.generate`. */
export type OperationName = (typeof OPERATION_NAMES)[number];
/** Event names, e.g. `protocol.delta`. */
export type EventName = (typeof EVENT_NAMES)[number];

/** The wire channel of an operation or event. */
export function channelOf(name: OperationName | EventName): string {
  return `${CHANNEL_PREFIX}${name}`;
}

/**
 * Operations that answer while no profile is unlocked: signing in (here or with a clinic profile), the model-server status, reading settings, and the
 * page's acknowledgement that it stored a record. Every other operation answers `LOCKED` until a clinician unlocks.
 */
export const OPERATIONS_ALLOWED_WHILE_LOCKED: ReadonlySet<OperationName> = new Set<OperationName>([
  'auth.listProfiles',
  'auth.createProfile',
  'auth.unlock',
  'auth.lock',
  'auth.state',
  'auth.reportActivity',
  // A clinician new to this workstation signs in with the profile they use elsewhere: that is an unlock.
  'auth.signInWithClinicProfile',
  'llm.status',
  'settings.get',
  // The page confirming it stored a record main delivered carries nothing out of main: a lock must not turn the
  // answer sealed while the profile was locking into "not stored".
  'vault.ack',
]);
