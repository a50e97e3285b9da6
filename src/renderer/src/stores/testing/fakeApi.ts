/**
 * A fake `window.api` for store tests: calls are recorded, `generate` answers only when the test settles it, and
 * events are pushed by the test as main would push them.
 */
import type { AppApi } from '../../../../preload/apiTypes';
import type { Unsubscribe } from '../../../../shared/api';
import { fail, ok, type ErrorCode, type Result } from '../../../../shared/errors';
import type { Patient } from '../../../../shared/patient';
import type { CancelOutput, DeltaEvent, GenerateInput, ProtocolResponse, TurnStartedEvent } from '../../../../shared/protocol';
import type { DeleteOutput, SessionInfo, SessionList } from '../../../../shared/sessions';
import type { LlmStatus, SettingsView } from '../../../../shared/settings';

/** A `generate` call waiting for the test to answer it. */
export interface PendingGenerate {
  input: GenerateInput;
  resolve(result: Result<ProtocolResponse>): void;
}

/** The fake and the handles a test drives it with. */
export interface FakeApi {
  api: AppApi;
  generateCalls: PendingGenerate[];
  cancelCalls: { sessionId: string }[];
  statusCalls: number;
  /** What `llm.status` answers. */
  status: Result<LlmStatus>;
  emitTurnStarted(event: TurnStartedEvent): void;
  emitDelta(event: DeltaEvent): void;
  emitStatus(status: LlmStatus): void;
  /** Live listeners per event, to check subscriptions happen once. */
  listenerCount(): { turnStarted: number; delta: number };
}

/** Lets pending promise callbacks run (the store awaits the api). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Builds a fresh fake. */
export function createFakeApi(): FakeApi {
  const turnStartedListeners = new Set<(event: TurnStartedEvent) => void>();
  const deltaListeners = new Set<(event: DeltaEvent) => void>();
  const statusListeners = new Set<(status: LlmStatus) => void>();
  const subscribe = <E>(listeners: Set<(event: E) => void>, listener: (event: E) => void): Unsubscribe => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  const fake: FakeApi = {
    generateCalls: [],
    cancelCalls: [],
    statusCalls: 0,
    status: ok({ reachable: true, state: 'reachable', model: 'fake-model', endpoint: 'http://127.0.0.1:8000/v1', latencyMs: 12 }),
    emitTurnStarted: (event) => turnStartedListeners.forEach((listener) => listener(event)),
    emitDelta: (event) => deltaListeners.forEach((listener) => listener(event)),
    emitStatus: (status) => statusListeners.forEach((listener) => listener(status)),
    listenerCount: () => ({ turnStarted: turnStartedListeners.size, delta: deltaListeners.size }),
    api: {
      protocol: {
        generate: (input: GenerateInput) =>
          new Promise<Result<ProtocolResponse>>((resolve) => fake.generateCalls.push({ input, resolve })),
        cancel: (input: { sessionId: string }) => {
          fake.cancelCalls.push(input);
          return Promise.resolve(ok<CancelOutput>({ cancelled: true }));
        },
        onTurnStarted: (listener: (event: TurnStartedEvent) => void) => subscribe(turnStartedListeners, listener),
        onDelta: (listener: (event: DeltaEvent) => void) => subscribe(deltaListeners, listener),
      },
      sessions: {
        get: () => Promise.resolve(fail('INTERNAL', 'not used in these tests') as Result<SessionInfo>),
        list: () => Promise.resolve(ok<SessionList>({ count: 0, sessions: [] })),
        delete: () => Promise.resolve(ok<DeleteOutput>({ deleted: false })),
      },
      settings: {
        get: () => Promise.resolve(fail('INTERNAL', 'not used in these tests') as Result<SettingsView>),
      },
      llm: {
        status: () => {
          fake.statusCalls++;
          return Promise.resolve(fake.status);
        },
        onStatusChanged: (listener: (status: LlmStatus) => void) => subscribe(statusListeners, listener),
      },
    },
  };
  return fake;
}

/** Session and turn ids as main mints them (UUID v4). */
export const SESSION_ID = '3f2b8c1e-9d4a-4b7e-8f1a-2c3d4e5f6a7b';
export const OTHER_SESSION_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
export const TURN_1 = '11111111-1111-4111-8111-111111111111';
export const TURN_2 = '22222222-2222-4222-8222-222222222222';
export const OTHER_TURN = '33333333-3333-4333-8333-333333333333';

/** A patient that passes the schema with no warnings. */
export const PATIENT: Patient = {
  age: 54,
  sex: 'male',
  chiefComplaint: 'Chest pain for 2 hours',
  vitals: { heartRate: 96, systolicBp: 150, diastolicBp: 90 },
};

/** A successful answer for turn `seq` of {@link SESSION_ID}. */
export function protocolResponse(overrides: Partial<ProtocolResponse> & { seq: number; turnId: string }): ProtocolResponse {
  return {
    sessionId: SESSION_ID,
    protocol: `Final protocol ${overrides.seq}`,
    patientSummary: PATIENT,
    metadata: {
      inferenceTimeMs: 1234,
      model: 'fake-model',
      endpoint: 'http://127.0.0.1:8000/v1',
      temperature: 0.2,
      maxTokens: 1024,
      conversationCount: overrides.seq,
      promptTokens: null,
      completionTokens: null,
      historyTurnsIncluded: overrides.seq - 1,
      historyTrimmed: false,
    },
    timestamp: '2025-01-01T00:00:00.000Z',
    status: 'complete',
    incompleteReason: null,
    ...overrides,
  };
}

/** A failed envelope. */
export function failure(code: ErrorCode, message: string): Result<never> {
  return fail(code, message);
}
