/** "Sign in with a clinic profile" as the lock screen sees its refusals: what the clinician is told to do. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { ProfileStore } from '../profiles/profileStore';
import type { SyncClient } from './http/syncClient';
import { SyncRequestError } from './http/syncClientErrors';
import { signInWithClinicProfileHere } from './clinicSignIn';

function throttledClient(retryAfterMs: number | null): SyncClient {
  const refuse = async (): Promise<never> => {
    throw new SyncRequestError('RATE_LIMITED', 'Too many failed sign-ins: wait before trying again.', 429, retryAfterMs, null);
  };
  return { prelogin: refuse, register: refuse, signIn: refuse, session: () => ({}) as never };
}

async function refusal(retryAfterMs: number | null): Promise<AppError> {
  const deps = {
    client: throttledClient(retryAfterMs),
    workstation: { id: '0a1b2c3d-4e5f-4a6b-8c7d-000000000009', label: 'Triage 1' },
    profiles: { currentProfile: () => null } as unknown as ProfileStore,
    signOutCurrent: async () => undefined,
  };
  const error = await signInWithClinicProfileHere(deps, 'Dr Ada', 'correct horse battery staple').catch((caught: unknown) => caught);
  if (!(error instanceof AppError)) throw new Error('expected an AppError');
  return error;
}

describe('a throttled clinic sign-in', () => {
  it("tells how long to wait, from the server's answer, in whole seconds rounded up", async () => {
    expect((await refusal(8_000)).message).toBe('Too many attempts — try again in 8 s.');
    expect((await refusal(1_200)).message).toBe('Too many attempts — try again in 2 s.');
  });

  it('asks for a few minutes when the server gave no wait', async () => {
    expect((await refusal(null)).message).toBe('Too many attempts — wait a few minutes, then try again.');
  });
});
