/**
 * Identity against a real (embedded) PostgreSQL: prelogin that does not reveal names, registration, sign-in with
 * its rate limit, tokens that expire and are revoked, the passphrase change and IT's profile removal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_CLINIC_KDF_ITERATIONS, type SignInOutput } from '../../src/shared/sync/identity';
import { SyncErrorBody } from '../../src/shared/sync/syncErrors';
import { issueToken } from '../../src/server/identity/tokens';
import { removeProfile } from '../../src/server/removeProfile';
import { createSyncServer } from '../../src/server/syncServer';
import { call, keyItem, newClinician, randomKey, recordItem, registration, signInElsewhere } from './syncTestClient';
import { startSyncServerForTests, type SyncServerForTests } from './syncServerForTests';
import { randomUUID } from 'node:crypto';

let sync: SyncServerForTests;
beforeAll(async () => {
  sync = await startSyncServerForTests();
}, 60_000);
afterAll(() => sync?.close());

const errorCode = (body: unknown) => SyncErrorBody.parse(body).error.code;
/** Every test signs in from 127.0.0.1: a test that fails on purpose forgets its failures for the next ones. */
const forgetFailures = () => sync.server.context.pool.query('DELETE FROM sign_in_failures');
const signIn = (name: string, authKey: string) =>
  call<SignInOutput>(sync.url, 'POST', '/v1/sessions', { body: { name, authKey, workstation: { id: randomUUID(), label: 'Front desk' } } });

describe('prelogin', () => {
  it('answers a registered profile its own KDF, and an unknown name a stable fake one of the same shape', async () => {
    const clinician = await newClinician(sync.url);
    const real = await call(sync.url, 'POST', '/v1/prelogin', { body: { name: `  ${clinician.input.name.toUpperCase()} ` } });
    expect(real.body).toEqual({ kdf: clinician.input.keys.kdf });

    const first = await call<{ kdf: { salt: string; iterations: number } }>(sync.url, 'POST', '/v1/prelogin', { body: { name: 'Nobody Here' } });
    const again = await call(sync.url, 'POST', '/v1/prelogin', { body: { name: 'nobody here' } });
    const other = await call<{ kdf: { salt: string } }>(sync.url, 'POST', '/v1/prelogin', { body: { name: 'Somebody Else' } });
    expect(first.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(first.body.kdf.iterations).toBe(MIN_CLINIC_KDF_ITERATIONS);
    expect(other.body.kdf.salt).not.toBe(first.body.kdf.salt);
    expect(Object.keys(first.body.kdf)).toEqual(Object.keys((real.body as { kdf: object }).kdf));
    expect(first.text.length).toBe(real.text.length);
  });
});

describe('registration', () => {
  it('refuses a KDF below the minimum, and a name (in any case) or id already taken', async () => {
    const weak = registration();
    weak.keys.kdf.iterations = MIN_CLINIC_KDF_ITERATIONS - 1;
    const weakAnswer = await call(sync.url, 'POST', '/v1/profiles', { body: weak });
    expect([weakAnswer.status, errorCode(weakAnswer.body)]).toEqual([400, 'WEAK_KDF']);

    const taken = await newClinician(sync.url);
    const sameName = await call(sync.url, 'POST', '/v1/profiles', { body: registration(taken.input.name.toLowerCase()) });
    const sameId = await call(sync.url, 'POST', '/v1/profiles', { body: { ...registration(), profileId: taken.input.profileId } });
    expect([sameName.status, errorCode(sameName.body)]).toEqual([409, 'CONFLICT']);
    expect([sameId.status, errorCode(sameId.body)]).toEqual([409, 'CONFLICT']);
    await forgetFailures();
  });

  it('counts probing for taken names per address like failed sign-ins, and gives a successful registration back', async () => {
    const taken = await newClinician(sync.url);
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call(sync.url, 'POST', '/v1/profiles', { body: registration(taken.input.name) })).status);
    expect(statuses).toEqual([409, 409, 409, 409, 429]);
    sync.clock.advance(1000);
    expect((await call(sync.url, 'POST', '/v1/profiles', { body: registration() })).status).toBe(201);
    expect((await call(sync.url, 'POST', '/v1/profiles', { body: registration() })).status).toBe(201);
    await forgetFailures();
  });

  it('needs the enrollment secret when IT set one, refusing a missing or wrong one before anything is stored', async () => {
    const enrolling = await createSyncServer({
      databaseUrl: sync.databaseUrl,
      settings: { ...sync.server.context.settings, enrollmentSecret: 'clinic-enrollment-2026' },
      clock: sync.clock,
      log: () => undefined,
    });
    try {
      const url = await enrolling.listen(0, '127.0.0.1');
      const missing = registration();
      const wrong = { ...registration(), enrollmentSecret: 'clinic-enrollment-2025' };
      const right = { ...registration(), enrollmentSecret: 'clinic-enrollment-2026' };
      const answers = [];
      for (const body of [missing, wrong, right]) answers.push(await call(url, 'POST', '/v1/profiles', { body }));
      expect(answers.map((answer) => answer.status)).toEqual([401, 401, 201]);
      expect(errorCode(answers[0]?.body)).toBe('UNAUTHORIZED');
      const { rows } = await sync.server.context.pool.query<{ id: string }>('SELECT id FROM profiles WHERE id = ANY($1::uuid[])', [
        [missing.profileId, wrong.profileId, right.profileId],
      ]);
      expect(rows).toEqual([{ id: right.profileId }]);
    } finally {
      await enrolling.close();
      await forgetFailures();
    }
  });

  it('refuses a body with a field the protocol does not have', async () => {
    const answer = await call(sync.url, 'POST', '/v1/profiles', { body: { ...registration(), passphrase: 'never sent' } });
    expect([answer.status, errorCode(answer.body)]).toEqual([400, 'INVALID_INPUT']);
  });
});

describe('sign-in', () => {
  it('gives a token and the keys for the right auth key; the token reads the profile and expires after its TTL', async () => {
    const clinician = await newClinician(sync.url);
    const answer = await signIn(clinician.input.name, clinician.input.authKey);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ profileId: clinician.input.profileId, keysVersion: 1, keys: clinician.input.keys });
    const profile = await call(sync.url, 'GET', '/v1/profile', { token: answer.body.token });
    expect(profile.body).toEqual({ profileId: clinician.input.profileId, name: clinician.input.name, keysVersion: 1, keys: clinician.input.keys });

    sync.clock.advance(sync.server.context.settings.tokenTtlMs);
    const expired = await call(sync.url, 'GET', '/v1/profile', { token: answer.body.token });
    expect([expired.status, errorCode(expired.body)]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('signs out by revoking the token', async () => {
    const clinician = await newClinician(sync.url);
    expect((await call(sync.url, 'DELETE', '/v1/sessions/current', { token: clinician.token })).status).toBe(204);
    expect((await call(sync.url, 'GET', '/v1/profile', { token: clinician.token })).status).toBe(401);
  });

  it('answers a wrong auth key and an unknown name alike, slows guessing per address and per name after 3 failures with a doubling delay, and audits it', async () => {
    const clinician = await newClinician(sync.url);
    const { rows: before } = await sync.server.context.pool.query<{ last: string }>('SELECT coalesce(max(id), 0) AS last FROM audit');
    const unknown = await signIn('No Such Clinician', randomKey());
    const wrong = await signIn(clinician.input.name, randomKey());
    expect(wrong.text).toBe(unknown.text);
    expect([wrong.status, errorCode(wrong.body)]).toEqual([401, 'UNAUTHORIZED']);

    await signIn(clinician.input.name, randomKey());
    await signIn(clinician.input.name, randomKey()); // 4 failures from this address (3 on this name): the next try waits 1 s
    const limited = await signIn(clinician.input.name, clinician.input.authKey);
    expect([limited.status, SyncErrorBody.parse(limited.body).error.retryAfterMs]).toEqual([429, 1000]);

    sync.clock.advance(1000);
    await signIn(clinician.input.name, randomKey()); // 5 from this address (2 s), 4 on this name (1 s): the longer holds
    expect(SyncErrorBody.parse((await signIn(clinician.input.name, clinician.input.authKey)).body).error.retryAfterMs).toBe(2000);
    sync.clock.advance(2000);
    expect((await signIn(clinician.input.name, clinician.input.authKey)).status).toBe(200);

    const { rows } = await sync.server.context.pool.query<{ action: string; n: string }>(
      `SELECT action, count(*) AS n FROM audit WHERE id > $2 AND (profile_id = $1 OR (profile_id IS NULL AND action LIKE 'sign_in%')) GROUP BY action`,
      [clinician.input.profileId, before[0]?.last],
    );
    const counts = Object.fromEntries(rows.map((row) => [row.action, Number(row.n)]));
    expect(counts).toMatchObject({ sign_in_failed: 5, sign_in_rate_limited: 2, sign_in: 1 });
    await forgetFailures();
  });

  it('counts concurrent guesses before hashing: past the 3 free failures only one runs, the rest are refused at once', async () => {
    const clinician = await newClinician(sync.url);
    const answers = await Promise.all(Array.from({ length: 10 }, () => signIn(clinician.input.name, randomKey())));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(4).fill(401), ...Array(6).fill(429)]);
    await forgetFailures();
  });

  it("forgets only the name's failures on a success: the address's keep counting toward its delay", async () => {
    const clinician = await newClinician(sync.url);
    for (let i = 0; i < 4; i += 1) await signIn(`Nobody ${i}`, randomKey()); // 4 failures from this address: 1 s
    sync.clock.advance(1000);
    expect((await signIn(clinician.input.name, clinician.input.authKey)).status).toBe(200);
    expect((await signIn('Nobody 5', randomKey())).status).toBe(401); // the address's 5th failure: 2 s
    const limited = await signIn(clinician.input.name, clinician.input.authKey);
    expect([limited.status, SyncErrorBody.parse(limited.body).error.retryAfterMs]).toEqual([429, 2000]);
    await forgetFailures();
  });
});

describe('behind a reverse proxy', () => {
  it("takes the client address the proxy hop wrote, not the left-most X-Forwarded-For entry a client can forge", async () => {
    const behind = await createSyncServer({
      databaseUrl: sync.databaseUrl,
      settings: { ...sync.server.context.settings, trustProxy: 1 },
      clock: sync.clock,
      log: () => undefined,
    });
    try {
      const url = await behind.listen(0, '127.0.0.1');
      const attempt = (forged: string, client: string) =>
        fetch(`${url}/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `${forged}, ${client}` },
          body: JSON.stringify({ name: `Nobody ${forged}`, authKey: randomKey(), workstation: { id: randomUUID(), label: 'Front desk' } }),
        }).then((response) => response.status);
      const statuses = [];
      for (let i = 0; i < 5; i += 1) statuses.push(await attempt(`198.51.100.${i}`, '10.9.9.9'));
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      expect(await attempt('198.51.100.77', '10.9.9.8')).toBe(401); // another client behind the same proxy
    } finally {
      await behind.close();
      await forgetFailures();
    }
  });
});

describe('passphrase change', () => {
  it('needs the current auth key, bumps keysVersion, revokes the other workstations and retires the old auth key', async () => {
    const clinician = await newClinician(sync.url);
    const elsewhere = await signInElsewhere(sync.url, clinician);
    const next = registration(clinician.input.name);
    const wrong = await call(sync.url, 'PUT', '/v1/profile/keys', { token: clinician.token, body: { currentAuthKey: randomKey(), authKey: next.authKey, keys: next.keys } });
    expect(wrong.status).toBe(401);
    await forgetFailures();

    const changed = await call(sync.url, 'PUT', '/v1/profile/keys', {
      token: clinician.token,
      body: { currentAuthKey: clinician.input.authKey, authKey: next.authKey, keys: next.keys },
    });
    expect(changed.body).toMatchObject({ keysVersion: 2, keys: next.keys });
    expect((await call(sync.url, 'GET', '/v1/profile', { token: clinician.token })).status).toBe(200);
    expect((await call(sync.url, 'GET', '/v1/profile', { token: elsewhere.token })).status).toBe(401);
    expect((await signIn(clinician.input.name, clinician.input.authKey)).status).toBe(401);
    expect((await signIn(clinician.input.name, next.authKey)).body.keysVersion).toBe(2);
  });
});

describe('passphrase change guessing', () => {
  it('shares the sign-in limiter: a stolen token cannot guess the current auth key faster than a sign-in could', async () => {
    await forgetFailures(); // the tests before failed sign-ins from this address on purpose
    const clinician = await newClinician(sync.url);
    const next = registration(clinician.input.name);
    const guess = () =>
      call(sync.url, 'PUT', '/v1/profile/keys', { token: clinician.token, body: { currentAuthKey: randomKey(), authKey: next.authKey, keys: next.keys } });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await guess()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await signIn(clinician.input.name, clinician.input.authKey)).status).toBe(429); // the same name's count
    await forgetFailures();
  });
});

describe('passphrase change racing a sign-in', () => {
  it('refuses a token a sign-in checked against the old keys stores after the change, and keeps the changer signed in', async () => {
    const clinician = await newClinician(sync.url);
    const next = registration(clinician.input.name);
    const changed = await call(sync.url, 'PUT', '/v1/profile/keys', {
      token: clinician.token,
      body: { currentAuthKey: clinician.input.authKey, authKey: next.authKey, keys: next.keys },
    });
    expect(changed.status).toBe(200);
    // What a sign-in that verified the old auth key before the change committed stores after it: keys version 1.
    const late = await issueToken(sync.server.context.pool, clinician.input.profileId, { id: randomUUID(), label: 'Late' }, sync.clock.now(), 60_000, 1);
    const answer = await call(sync.url, 'GET', '/v1/profile', { token: late.token });
    expect([answer.status, errorCode(answer.body)]).toEqual([401, 'UNAUTHORIZED']);
    expect((await call(sync.url, 'GET', '/v1/profile', { token: clinician.token })).status).toBe(200);
    const pushed = await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [recordItem(randomUUID())] } });
    expect(pushed.status).toBe(200);
  });
});

describe('profile removal by IT', () => {
  it('wipes the data and keys; every token, even an expired one, and the right passphrase then answer PROFILE_REMOVED', async () => {
    const clinician = await newClinician(sync.url);
    const sessionId = randomUUID();
    await call(sync.url, 'POST', '/v1/push', { token: clinician.token, body: { items: [keyItem(sessionId, '2026-01-01'), recordItem(sessionId)] } });
    const elsewhere = await signInElsewhere(sync.url, clinician);

    expect(await removeProfile(sync.server.context.pool, clinician.input.name, sync.clock)).toBe(true);
    for (const token of [clinician.token, elsewhere.token]) {
      const answer = await call(sync.url, 'GET', '/v1/changes?after=0', { token });
      expect([answer.status, errorCode(answer.body)]).toEqual([410, 'PROFILE_REMOVED']);
    }
    sync.clock.advance(sync.server.context.settings.tokenTtlMs * 2);
    expect((await call(sync.url, 'GET', '/v1/profile', { token: clinician.token })).status).toBe(410);
    expect((await signIn(clinician.input.name, clinician.input.authKey)).status).toBe(410);
    expect((await signIn(clinician.input.name, randomKey())).status).toBe(401);

    const { rows } = await sync.server.context.pool.query<{ items: string; keys: unknown }>(
      'SELECT (SELECT count(*) FROM items WHERE profile_id = $1) AS items, (SELECT keys FROM profiles WHERE id = $1) AS keys',
      [clinician.input.profileId],
    );
    expect(rows[0]).toEqual({ items: '0', keys: null });
    expect(await removeProfile(sync.server.context.pool, clinician.input.name, sync.clock)).toBe(false);
  });
});
