import fc from 'fast-check';
import { computeHistoryAnalytics } from '../../shared/historyAnalytics';
import { describe, expect, it } from 'vitest';
import { appCaller, APP_ORIGIN_FOR_TESTS, MemoryTransport } from '../../../test/support/memoryTransport';
import { channelOf, OPERATION_NAMES, OPERATIONS_ALLOWED_WHILE_LOCKED } from '../../shared/contract';
import { AppError, type Result } from '../../shared/errors';
import { SETTINGS_DEFAULTS } from '../../shared/settings';
import { silentLogger, type Logger } from '../core/logger';
import { settingsView } from './handlers/settingsHandlers';
import { exactOrigins } from './callContext';
import { registerOperations, type OperationHandlers } from './registrar';
import { MAX_CALL_BYTES, MAX_CALL_DEPTH, SLOT_BYTES } from './callSize';
import { sealedRecordLike } from '../../../test/support/sealedRecords';

const SESSION = '3f2b8c1e-7d4a-4f6b-9c2d-1e5a7b9c0d3f';
const TURN = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

function setup(overrides: Partial<OperationHandlers> = {}, logger: Logger = silentLogger, isUnlocked?: () => boolean) {
  const transport = new MemoryTransport();
  const calls: string[] = [];
  const authState = { state: 'unlocked', profileId: 'p', profileName: 'Dr A', reason: null } as const;
  const handlers: OperationHandlers = {
    'auth.listProfiles': async () => ({ profiles: [], selfCreationAllowed: true }),
    'auth.createProfile': async () => authState,
    'auth.unlock': async () => authState,
    'auth.lock': async () => ({ ...authState, state: 'locked', profileId: null, profileName: null, reason: 'manual' }),
    'auth.changePassphrase': async () => ({ done: true }),
    'auth.state': async () => authState,
    'auth.reportActivity': async () => ({ done: true }),
    'auth.signInWithClinicProfile': async () => authState,
    'protocol.generate': async (_input, call) => {
      calls.push('protocol.generate');
      call.emit('protocol.delta', { sessionId: SESSION, turnId: TURN, index: 0, delta: 'Step 1' });
      throw new AppError('LLM_UNAVAILABLE', 'The model server cannot be reached.');
    },
    'protocol.cancel': async () => {
      calls.push('protocol.cancel');
      return { cancelled: false };
    },
    'protocol.regenerate': async () => {
      throw new AppError('INVALID_INPUT', 'Only the latest answer of a session can be regenerated.');
    },
    'protocol.selectAnswer': async (input) => ({ turnId: input.turnId }),
    'sessions.get': async () => {
      calls.push('sessions.get');
      throw new AppError('SESSION_NOT_FOUND', 'No session with this id is known to the app.');
    },
    'sessions.list': async () => {
      calls.push('sessions.list');
      return { count: 0, sessions: [] };
    },
    'sessions.delete': async () => {
      calls.push('sessions.delete');
      return { deleted: false };
    },
    'sessions.resume': async () => {
      calls.push('sessions.resume');
      throw new AppError('SESSION_NOT_FOUND', 'No session with this id is known to the app.');
    },
    'vault.open': async () => ({ results: [] }),
    'vault.index': async () => ({ indexed: 0, failures: [] }),
    'vault.ack': async () => ({ done: true }),
    'vault.search': async () => ({ hits: [], indexedSessions: 0 }),
    'vault.analytics': async () => ({
      sessions: 0,
      answeredTurns: 0,
      inferenceMs: null,
      trimmedTurns: 0,
      history: computeHistoryAnalytics([], []),
    }),
    'sessions.export': async () => {
      throw new AppError('FORBIDDEN', 'Export is turned off.');
    },
    'settings.get': async () => {
      calls.push('settings.get');
      return settingsView(SETTINGS_DEFAULTS, []);
    },
    'settings.set': async () => settingsView(SETTINGS_DEFAULTS, []),
    'app.diagnostics': async () => ({
      generatedAt: '2026-01-01T00:00:00.000Z',
      versions: { app: null, electron: null, chrome: null, node: '22.0.0' },
      os: { platform: 'linux', release: '6.1', arch: 'x64' },
      buildMode: 'development',
      policy: { path: null, sha256: null },
      settings: settingsView(SETTINGS_DEFAULTS, []),
      audit: { ok: true, entries: 0, detail: null },
      llm: null,
      recentProblems: [],
    }),
    'llm.status': async () => {
      calls.push('llm.status');
      return { reachable: false, state: 'offline', model: null, endpoint: 'http://127.0.0.1:8000/v1', latencyMs: null };
    },
    'sync.status': async () => ({ state: 'off', pending: 0, lastSyncedAt: null, message: null }),
    'sync.now': async () => ({ state: 'off', pending: 0, lastSyncedAt: null, message: null }),
    'sync.unsyncedSessions': async () => ({ profileId: null, sessionIds: [] }),
    ...overrides,
  };
  const registration = registerOperations(transport, handlers, {
    isAppOrigin: exactOrigins([APP_ORIGIN_FOR_TESTS]),
    logger,
    ...(isUnlocked ? { isUnlocked } : {}),
  });
  return { transport, calls, registration };
}

describe('registrar: caller checks (check 4)', () => {
  it.each([
    ['no sender', { origin: APP_ORIGIN_FOR_TESTS, isMainFrame: true, senderId: null }],
    ['a foreign origin', { origin: 'https://evil.example', isMainFrame: true, senderId: '1' }],
    ['a look-alike origin', { origin: 'app://renderer.evil.example', isMainFrame: true, senderId: '1' }],
    ['an unknown origin', { origin: null, isMainFrame: true, senderId: '1' }],
    ['a sub-frame', { origin: APP_ORIGIN_FOR_TESTS, isMainFrame: false, senderId: '1' }],
  ])('refuses %s on every channel before parsing or calling the handler', async (_label, context) => {
    const { transport, calls } = setup();
    for (const name of OPERATION_NAMES) {
      const result = (await transport.call(channelOf(name), context, undefined)) as Result<unknown>;
      expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'This caller is not allowed to use the app.' } });
    }
    expect(calls).toEqual([]);
  });

  it('registers every operation of the contract, and only those', () => {
    const { transport } = setup();
    expect([...transport.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map(channelOf).sort());
  });

  it('sends events only to the page that made the call', async () => {
    const { transport } = setup();
    await transport.call(channelOf('protocol.generate'), appCaller('7'), { patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' } });
    expect(transport.sent.map((event) => event.senderId)).toEqual(['7']);
  });

  it('unregisters everything on dispose', () => {
    const { transport, registration } = setup();
    registration.dispose();
    expect(transport.handlers.size).toBe(0);
  });
});

describe('registrar: payload checks (check 5)', () => {
  it('refuses wrong types with INVALID_INPUT naming the field, without calling the handler', async () => {
    const { transport, calls } = setup();
    const result = await transport.call(channelOf('protocol.cancel'), appCaller(), { sessionId: 42 });
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'sessionId: sessionId must be a string' } });
    expect(calls).toEqual([]);
  });

  it('refuses an argument to an operation that takes none', async () => {
    const { transport } = setup();
    const result = (await transport.call(channelOf('llm.status'), appCaller(), { sneaky: true })) as Result<unknown>;
    expect(result.ok).toBe(false);
  });

  it('turns an AppError into its code and message', async () => {
    const { transport } = setup();
    const result = await transport.call(channelOf('protocol.generate'), appCaller(), { patient: { age: 60, sex: 'female', chiefComplaint: 'Fever' } });
    expect(result).toEqual({ ok: false, error: { code: 'LLM_UNAVAILABLE', message: 'The model server cannot be reached.' } });
  });

  it('turns an unexpected error into INTERNAL with no stack and no detail, and logs only its kind', async () => {
    const logged: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (event, fields) => logged.push({ event, fields }) };
    const { transport } = setup(
      {
        'protocol.cancel': async () => {
          throw new TypeError('cannot read patient Jane Doe');
        },
      },
      logger,
    );
    const result = (await transport.call(channelOf('protocol.cancel'), appCaller(), { sessionId: SESSION })) as Result<unknown>;
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside the app. Your input was kept; please try again.' } });
    expect(JSON.stringify(logged)).not.toContain('Jane');
    expect(logged).toEqual([{ event: 'ipc.handler-failed', fields: { channel: 'protocol.cancel', kind: 'TypeError' } }]);
  });

  it('refuses a handler answer that breaks the contract instead of passing it on', async () => {
    const { transport } = setup({ 'protocol.cancel': async () => ({ cancelled: 'yes' }) as never });
    const result = (await transport.call(channelOf('protocol.cancel'), appCaller(), { sessionId: SESSION })) as Result<unknown>;
    expect(result.ok === false && result.error.code).toBe('INTERNAL');
  });

  it('never crashes and never leaks a stack on arbitrary payloads (fuzz)', async () => {
    const { transport } = setup({
      'protocol.generate': async () => {
        throw new AppError('LLM_UNAVAILABLE', 'down');
      },
    });
    const payloads = fc.oneof(
      fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }),
      fc.record({ sessionId: fc.string(), message: fc.anything(), patient: fc.anything() }, { requiredKeys: [] }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'patient', 'sessionId'), fc.anything()),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATION_NAMES), payloads, async (name, payload) => {
        const result = (await transport.call(channelOf(name), appCaller(), payload)) as Result<unknown>;
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) {
          expect(result.error.message).not.toMatch(/\n\s+at /);
          expect(['INVALID_INPUT', 'LLM_UNAVAILABLE', 'SESSION_NOT_FOUND']).toContain(result.error.code);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('registrar: the size of a call', () => {
  const TOO_LARGE = { ok: false, error: { code: 'INVALID_INPUT', message: 'This request is larger than the app accepts (64 MiB). Nothing was changed.' } };

  /** `{ records: [<string>] }` walking to exactly `bytes`: the object, its key, the array, then the string. */
  function resumeOfSize(bytes: number): unknown {
    const overhead = SLOT_BYTES + 2 * 'records'.length + SLOT_BYTES;
    return { records: ['x'.repeat((bytes - overhead) / 2)] };
  }

  it('refuses a call one unit over the cap before the schema, and lets one at the cap reach the schema', async () => {
    const { transport, calls } = setup();
    const over = (await transport.call(channelOf('sessions.resume'), appCaller(), resumeOfSize(MAX_CALL_BYTES + 2))) as Result<unknown>;
    expect(over).toEqual(TOO_LARGE);
    const atCap = (await transport.call(channelOf('sessions.resume'), appCaller(), resumeOfSize(MAX_CALL_BYTES))) as Result<unknown>;
    // Within the cap, the schema judges it: a string is not a sealed record.
    expect(atCap.ok === false && atCap.error.message).toContain('expected object, received string');
    expect(calls).toEqual([]);
  });

  it('lets a whole session of 2,000 typical records through to the handler', async () => {
    const { transport, calls } = setup();
    const records = Array.from({ length: 2_000 }, () => sealedRecordLike(11_000));
    const result = await transport.call(channelOf('sessions.resume'), appCaller(), { records });
    expect(result).toMatchObject({ ok: false, error: { code: 'SESSION_NOT_FOUND' } });
    expect(calls).toEqual(['sessions.resume']);
  });

  it('refuses 2,000 records the schema allows one by one but that are too many bytes together, on every operation that takes records', async () => {
    const { transport, calls } = setup();
    const record = sealedRecordLike(17_000);
    const records = Array.from({ length: 2_000 }, () => record);
    expect(await transport.call(channelOf('sessions.resume'), appCaller(), { records })).toEqual(TOO_LARGE);
    expect(await transport.call(channelOf('sessions.export'), appCaller(), { format: 'json', records })).toEqual(TOO_LARGE);
    const batch = Array.from({ length: 500 }, () => sealedRecordLike(70_000));
    expect(await transport.call(channelOf('vault.open'), appCaller(), { records: batch })).toEqual(TOO_LARGE);
    expect(await transport.call(channelOf('vault.index'), appCaller(), { records: batch })).toEqual(TOO_LARGE);
    expect(calls).toEqual([]);
  });

  it('refuses a deeply nested call with its own message, and logs only the channel and the reason', async () => {
    const logged: unknown[] = [];
    const { transport } = setup({}, { ...silentLogger, warn: (event, fields) => logged.push({ event, fields }) });
    let deep: unknown = { chiefComplaint: 'Jane Doe' };
    for (let level = 0; level < MAX_CALL_DEPTH + 1; level++) deep = { patient: deep };
    expect(await transport.call(channelOf('protocol.generate'), appCaller(), deep)).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'This request is nested more deeply than the app accepts. Nothing was changed.' },
    });
    expect(logged).toEqual([{ event: 'ipc.oversized', fields: { channel: 'protocol.generate', reason: 'too-deep' } }]);
  });
});

describe('registrar: the lock', () => {
  it('answers LOCKED to every data operation while no profile is unlocked, before looking at the payload', async () => {
    const { transport, calls } = setup({}, silentLogger, () => false);
    for (const name of OPERATION_NAMES.filter((operation) => !OPERATIONS_ALLOWED_WHILE_LOCKED.has(operation))) {
      const result = await transport.call(channelOf(name), appCaller(), { anything: true });
      expect(result).toEqual({ ok: false, error: { code: 'LOCKED', message: 'The app is locked. Unlock with your passphrase to continue.' } });
    }
    expect(calls).toEqual([]);
  });

  it('still answers signing in, model status and settings while locked', async () => {
    const { transport } = setup({}, silentLogger, () => false);
    for (const name of ['auth.state', 'auth.listProfiles', 'llm.status', 'settings.get'] as const) {
      const result = (await transport.call(channelOf(name), appCaller())) as Result<unknown>;
      expect(result.ok).toBe(true);
    }
  });

  it('lets a clinician new to this workstation sign in with their clinic profile while locked, with a checked payload', async () => {
    const seen: unknown[] = [];
    const { transport } = setup(
      {
        'auth.signInWithClinicProfile': async (input) => {
          seen.push(input);
          return { state: 'unlocked', profileId: 'p', profileName: input.name, reason: null };
        },
      },
      silentLogger,
      () => false,
    );
    const refused = (await transport.call(channelOf('auth.signInWithClinicProfile'), appCaller(), { name: 'Dr A', passphrase: '', extra: 1 })) as Result<unknown>;
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const signedIn = (await transport.call(channelOf('auth.signInWithClinicProfile'), appCaller(), { name: '  Dr A ', passphrase: 'long enough phrase' })) as Result<unknown>;
    expect(signedIn).toMatchObject({ ok: true, data: { state: 'unlocked', profileName: 'Dr A' } });
    expect(seen).toEqual([{ name: 'Dr A', passphrase: 'long enough phrase' }]);
  });

  it('refuses a foreign caller before telling it whether the app is locked', async () => {
    const { transport } = setup({}, silentLogger, () => false);
    const result = await transport.call(channelOf('sessions.list'), { origin: 'https://evil.example', isMainFrame: true, senderId: '9' });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('registrar: broadcast', () => {
  it('reaches only pages that made an accepted call, and forgets pages that are gone', async () => {
    const { transport, registration } = setup();
    await transport.call(channelOf('llm.status'), appCaller('1'));
    await transport.call(channelOf('llm.status'), appCaller('2'));
    await transport.call(channelOf('llm.status'), { origin: 'https://evil.example', isMainFrame: true, senderId: '3' });
    transport.goneSenders.add('2');
    const status = { reachable: true, state: 'reachable', model: 'm', endpoint: 'http://127.0.0.1:8000/v1', latencyMs: 3 } as const;
    registration.broadcast('llm.statusChanged', status);
    registration.broadcast('llm.statusChanged', status);
    expect(transport.sent.filter((event) => event.channel === channelOf('llm.statusChanged')).map((event) => event.senderId)).toEqual(['1', '1']);
  });
});
