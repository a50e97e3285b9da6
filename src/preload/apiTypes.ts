/**
 * Type-only declaration of what the preload exposes, for the renderer. The renderer imports types from here
 * (never values), so it stays free of Electron and of main.
 */
import type { AppApi } from '../shared/api';

declare global {
  interface Window {
    /** The contract's operations and events; see src/shared/contract.ts. */
    readonly api: AppApi;
  }
}

export type { AppApi };
