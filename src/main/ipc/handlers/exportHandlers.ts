import type { SealedRecord } from '../../../shared/vault';
import { exportSession, type SessionExporterDeps } from '../../export/sessionExporter';
import type { UnlockedOwner } from '../../vault/unlockedOwner';
import type { OperationHandlers } from '../registrar';

/** `api.sessions.export`: the caller's own session, from its sealed records, to a file the page offers for saving. */
export function exportHandlers(deps: SessionExporterDeps, unlockedOwner: () => UnlockedOwner): Pick<OperationHandlers, 'sessions.export'> {
  return {
    'sessions.export': (input) => exportSession(deps, unlockedOwner(), input.format, input.records as SealedRecord[]),
  };
}
