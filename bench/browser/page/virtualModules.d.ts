/**
 * The app's own history store, as the page bundle gets it: `buildBundles.ts` serves this module to vite, re-exporting
 * `src/renderer/src/db` (ClinicHistoryDb, createRecordStore) after the renderer's zod configuration. It is not
 * imported by path because tsconfig.node.json (which types bench/**) does not list renderer files, and a composite
 * project may not pull them in; `rendererHistory.ts` gives it its types, at this one boundary.
 */
declare module 'virtual:cpa-renderer-history' {
  /** A second connection to the app's `ClinicHistory` database, with the app's store over it. */
  export function openRendererHistory(): unknown;
}
