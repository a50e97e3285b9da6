// electron-builder `afterPack` hook (electron-builder.yml): flips the release fuses into the packaged Electron,
// after packing and before signing. The settings and the logic live in scripts/fuses.ts (typed and tested);
// this file only loads it through tsx, a devDependency, since electron-builder loads hooks as plain JavaScript.
// Any failure throws and stops the build. CPA_ELECTRON_STAND_IN=1 (set by scripts/packageCheck.ts only) skips.
import { tsImport } from 'tsx/esm/api';

/** @param {import('app-builder-lib').AfterPackContext} context */
export default async function afterPack(context) {
  const { applyFuses } = await tsImport('../scripts/fuses.ts', import.meta.url);
  await applyFuses(context);
}
