import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../core/durableFiles';
import { ProfileFileError } from './profileErrors';
import { ProfileKeys } from './profileKeys';
import { cleanProfileName, profileNameKey, profileNameProblem } from './profileName';

/** File name of the profiles file inside main's profiles folder. */
export const PROFILES_FILE = 'profiles.json';

const FILE_FORMAT = 1;

/** A profile as stored: who (id, name), since when, and its wrapped keys. No patient data, no secrets in clear. */
export const StoredProfile = z.strictObject({
  id: z.uuid({ version: 'v4' }),
  name: z.string().refine((name) => profileNameProblem(name) === null && name === cleanProfileName(name), { error: 'name is not a valid profile name' }),
  createdAt: z.iso.datetime(),
  keys: ProfileKeys,
});
/** @see StoredProfile */
export type StoredProfile = z.infer<typeof StoredProfile>;

const ProfileFileSchema = z.strictObject({ format: z.literal(FILE_FORMAT), profiles: z.array(StoredProfile) });

/** Reads the profiles at `path`, or none when the file does not exist yet. */
export async function readProfileFile(path: string): Promise<StoredProfile[]> {
  const data = await readJsonFile(path, ProfileFileSchema, (problem) => new ProfileFileError(path, problem));
  if (data === null) return [];
  const parsed = { data };
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const profile of parsed.data.profiles) {
    if (ids.has(profile.id)) throw new ProfileFileError(path, `profile ${profile.id} appears twice`);
    if (names.has(profileNameKey(profile.name))) throw new ProfileFileError(path, `two profiles share a name (profile ${profile.id})`);
    ids.add(profile.id);
    names.add(profileNameKey(profile.name));
  }
  return parsed.data.profiles;
}

/** Replaces the profiles at `path`, atomically. */
export function writeProfileFile(path: string, profiles: readonly StoredProfile[]): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify({ format: FILE_FORMAT, profiles }, null, 2)}\n`);
}
