/**
 * The one module that touches `window.api`. Everything else receives the api from here (the default store) or by
 * injection (tests), so the bridge has a single seam to fake and a single place to check it exists.
 */
import type { AppApi } from '../../../preload/apiTypes';
import { buildApi } from '../../../shared/api';
import { fail } from '../../../shared/errors';

/** Why the page cannot work, shown to the clinician when the bridge is missing. */
export const MISSING_API_MESSAGE =
  'The application bridge is not available, so this page cannot reach the assistant. ' +
  'Open it from the Clinic Protocol Assistant app (or the test harness), not directly in a browser.';

function readWindowApi(): AppApi | undefined {
  if (typeof window === 'undefined') return undefined;
  const candidate = (window as { api?: unknown }).api;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  // A half-built bridge would fail later and confusingly; check the one call the first capability cannot do without.
  const protocol = (candidate as { protocol?: { generate?: unknown } }).protocol;
  return typeof protocol?.generate === 'function' ? (candidate as AppApi) : undefined;
}

/**
 * Stand-in when the bridge is missing: same shape, every call answers an `INTERNAL` error and events never fire.
 * Built from the contract, so it can never drift from the real `window.api`, and nothing crashes at import time.
 */
function unavailableApi(): AppApi {
  return buildApi({
    invoke: () => Promise.resolve(fail('INTERNAL', MISSING_API_MESSAGE)),
    subscribe: () => () => undefined,
  });
}

const bridged = readWindowApi();

/** True when the page runs with a working `window.api` (Electron preload or browser harness). */
export const apiAvailable: boolean = bridged !== undefined;

/** The contract's operations and events. When {@link apiAvailable} is false, every call answers an error. */
export const api: AppApi = bridged ?? unavailableApi();
