import { arch, platform, release } from 'node:os';
import type { DiagnosticsSources } from './buildDiagnostics';

/**
 * The versions and OS of this process: Electron and Chrome are known only inside Electron (null in the harness and
 * in Node tests); the app's version is passed in by the composition root, which can ask Electron for it.
 */
export function runtimeVersions(appVersion: string | null): Pick<DiagnosticsSources, 'versions' | 'os'> {
  const versions = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    versions: { app: appVersion, electron: versions.electron ?? null, chrome: versions.chrome ?? null, node: versions.node },
    os: { platform: platform(), release: release(), arch: arch() },
  };
}
