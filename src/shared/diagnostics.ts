import { z } from 'zod';
import { LlmStatus, SettingsView } from './settings';

/**
 * What support receives from `app.diagnostics`: versions, the OS, the policy file's path and hash, the effective
 * settings without secrets, which keys are locked, whether the audit log verifies, the model server's status and
 * the names of recent errors. Never patient data, never message text, never a key or the API key.
 */
export const Diagnostics = z.strictObject({
  generatedAt: z.string(),
  versions: z.strictObject({
    app: z.string().nullable(),
    electron: z.string().nullable(),
    chrome: z.string().nullable(),
    node: z.string(),
  }),
  os: z.strictObject({ platform: z.string(), release: z.string(), arch: z.string() }),
  buildMode: z.string(),
  policy: z.strictObject({
    path: z.string().nullable(),
    /** SHA-256 of the file as it is now (hex), or null when there is none or it cannot be read. */
    sha256: z.string().nullable(),
  }),
  /** The effective settings as the settings screen sees them (API key and recovery key reduced to "set or not"). */
  settings: SettingsView,
  audit: z.strictObject({
    ok: z.boolean().nullable(),
    entries: z.number().int().nonnegative().nullable(),
    /** Where and why the chain breaks (a sentence that quotes no log content), or why it was not checked. */
    detail: z.string().nullable(),
  }),
  llm: LlmStatus.nullable(),
  recentProblems: z.array(
    z.strictObject({ time: z.string(), level: z.enum(['warn', 'error']), event: z.string(), kind: z.string().nullable() }),
  ),
});
/** @see Diagnostics */
export type Diagnostics = z.infer<typeof Diagnostics>;
