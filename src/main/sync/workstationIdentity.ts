/**
 * This workstation as the sync server knows it: a random id kept in main's data folder (stable across restarts, so
 * the server's lease and sign-in records name one machine) and IT's label, or the host name.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Workstation } from '../../shared/sync/identity';
import { SYNC_FOLDER } from './outbox/outboxFiles';

const WorkstationFile = z.strictObject({ id: z.uuid({ version: 'v4' }) });

/** The label colleagues see: policy's, else the host name, cut to the protocol's 64 characters. */
export function workstationLabel(policyLabel: string): string {
  const label = policyLabel.trim() || hostname().trim() || 'Workstation';
  return label.slice(0, 64);
}

/** Reads this workstation's id, minting and storing one the first time. */
export async function loadWorkstation(dataDir: string, policyLabel: string): Promise<Workstation> {
  const folder = join(dataDir, SYNC_FOLDER);
  const file = join(folder, 'workstation.json');
  const text = await readFile(file, 'utf8').catch(() => null);
  const parsed = text === null ? null : WorkstationFile.safeParse(parseJson(text));
  if (parsed?.success) return { id: parsed.data.id, label: workstationLabel(policyLabel) };
  const id = randomUUID();
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify({ id })}\n`, { mode: 0o600 });
  return { id, label: workstationLabel(policyLabel) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A damaged file only costs the id: the server then sees a new workstation under the same label.
    return null;
  }
}
