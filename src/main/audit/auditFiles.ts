import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readBytesIfExists } from '../core/durableFiles';

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

/** What the audit files of a data folder hold, as read. */
export interface AuditFiles {
  /** `audit.log`'s bytes, null when it does not exist. */
  readonly log: Buffer | null;
  /** `audit.head`'s text, null when it does not exist. */
  readonly headText: string | null;
  /** Whether `audit.key` was already there: a key is created with the first entry, so beside it a log is expected. */
  readonly keyExisted: boolean;
}

/** Reads `audit.log` and `audit.head` of `dir`, and whether `audit.key` is there. */
export async function readAuditFiles(dir: string): Promise<AuditFiles> {
  const paths = auditPaths(dir);
  const [log, head, keyExisted] = await Promise.all([readBytesIfExists(paths.log), readBytesIfExists(paths.head), fileExists(paths.key)]);
  return { log, headText: head === null ? null : head.toString('utf8'), keyExisted };
}
