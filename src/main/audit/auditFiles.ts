import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** The log: one JSON entry per line, appended only. */
export const AUDIT_LOG_FILE = 'audit.log';
/** The chain head (seq and MAC of the last entry, tagged), kept apart from the log. */
export const AUDIT_HEAD_FILE = 'audit.head';
/** The HMAC key, wrapped by the OS secret store (Electron `safeStorage`). */
export const AUDIT_KEY_FILE = 'audit.key';

/** The paths of the audit files in a data folder. */
export function auditPaths(dir: string): { log: string; head: string; key: string } {
  return { log: join(dir, AUDIT_LOG_FILE), head: join(dir, AUDIT_HEAD_FILE), key: join(dir, AUDIT_KEY_FILE) };
}

/** Whether `path` exists (and can be seen): the audit files are told apart by presence before they are read. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
