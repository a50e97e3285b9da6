import {
  channelOf,
  OPERATION_NAMES,
  operations,
  type EventName,
  type EventPayload,
  type OperationName,
  type OperationOutput,
  type ParsedInput,
  events,
  OPERATIONS_ALLOWED_WHILE_LOCKED,
} from '../../shared/contract';
import { AppError, fail, ok, type Result } from '../../shared/errors';
import { errorKind, type Logger } from '../core/logger';
import type { CallContext, OriginPolicy } from './callContext';
import { callSizeProblem, MAX_CALL_BYTES, type CallSizeProblem } from './callSize';
import { formatIssues } from '../../shared/formatIssues';
import type { Disposable, IpcTransport } from './transport';

/** What a handler knows about its caller once the registrar has checked it. */
export interface CallInfo {
  /** The page that made the call; events for this call go to it alone. */
  readonly senderId: string;
  /** Sends an event to the calling page only. Returns false when the page is gone. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): boolean;
}

/** One handler per operation of the contract: parsed input in, output (or a thrown {@link AppError}) out. */
export type OperationHandlers = {
  readonly [N in OperationName]: (input: ParsedInput<N>, call: CallInfo) => Promise<OperationOutput<N>>;
};

/** How the registrar decides who may call. */
export interface RegistrarOptions {
  /** The app's own origin(s); every other origin is refused. */
  readonly isAppOrigin: OriginPolicy;
  /**
   * Whether a clinician profile is unlocked. While none is, every operation outside
   * `OPERATIONS_ALLOWED_WHILE_LOCKED` answers `LOCKED`. Omitted: always unlocked (tests of the registrar alone).
   */
  readonly isUnlocked?: () => boolean;
  readonly logger: Logger;
}

const REFUSED_MESSAGE = 'This caller is not allowed to use the app.';
const LOCKED_MESSAGE = 'The app is locked. Unlock with your passphrase to continue.';
const INTERNAL_MESSAGE = 'Something went wrong inside the app. Your input was kept; please try again.';
const OVERSIZED_MESSAGES: Readonly<Record<CallSizeProblem, string>> = {
  'too-large': `This request is larger than the app accepts (${MAX_CALL_BYTES / 1024 / 1024} MiB). Nothing was changed.`,
  'too-deep': 'This request is nested more deeply than the app accepts. Nothing was changed.',
};

/**
 * Why a caller is refused, or null when it may call. A call needs a sender, the app's origin and the top-level
 * frame: a sub-frame or a foreign page never reaches a handler, whatever transport carried it.
 */
export function refusalReason(context: CallContext, isAppOrigin: OriginPolicy): string | null {
  if (context.senderId === null || context.senderId === '') return 'no-sender';
  if (context.origin === null || !isAppOrigin(context.origin)) return 'foreign-origin';
  if (!context.isMainFrame) return 'sub-frame';
  return null;
}

/** The registered operations: stop them, or tell every page that has called in about a change. */
export interface RegisteredOperations extends Disposable {
  /**
   * Sends an event to every page that has made an accepted call and is still there. For events without patient
   * data only (model-server status); turn events go to the page that started the turn, through {@link CallInfo}.
   */
  broadcast<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/**
 * Registers every operation of the contract on `transport` — the one place handlers are installed. Each call is
 * checked in this order: caller (sender, origin, main frame), then the lock (no profile unlocked → `LOCKED`, except
 * for signing in, model status and settings), then the payload's size and depth (callSize.ts, the same bound for
 * every transport), then payload (`safeParse` against the contract), then the handler; the handler's answer is checked against the contract's output schema too. Nothing thrown
 * escapes: callers always get a {@link Result}.
 */
export function registerOperations(
  transport: IpcTransport,
  handlers: OperationHandlers,
  options: RegistrarOptions,
): RegisteredOperations {
  const knownPages = new Set<string>();
  const registrations = OPERATION_NAMES.map((name) =>
    transport.handle(channelOf(name), (context, payload) => dispatch(name, context, payload)),
  );

  async function dispatch(name: OperationName, context: CallContext, payload: unknown): Promise<Result<unknown>> {
    const reason = refusalReason(context, options.isAppOrigin);
    if (reason !== null) {
      options.logger.warn('ipc.refused', { channel: name, reason });
      return fail('FORBIDDEN', REFUSED_MESSAGE);
    }
    if (options.isUnlocked && !OPERATIONS_ALLOWED_WHILE_LOCKED.has(name) && !options.isUnlocked()) {
      return fail('LOCKED', LOCKED_MESSAGE);
    }
    // Before the schema: zod would copy an oversized payload whole before refusing any one field of it.
    const oversized = callSizeProblem(payload);
    if (oversized !== null) {
      options.logger.warn('ipc.oversized', { channel: name, reason: oversized });
      return fail('INVALID_INPUT', OVERSIZED_MESSAGES[oversized]);
    }
    const spec = operations[name];
    const parsed = spec.input.safeParse(payload);
    if (!parsed.success) return fail('INVALID_INPUT', formatIssues(parsed.error));
    const senderId = context.senderId as string;
    knownPages.add(senderId);
    const call: CallInfo = {
      senderId,
      // Not re-parsed: events are built by main itself, typed by the contract, and sent on the hot path (every
      // streamed delta, every sealed record with its whole ciphertext); inputs from pages are what gets parsed.
      emit: (event, eventPayload) => transport.sendTo(senderId, channelOf(event), eventPayload),
    };
    try {
      const handler = handlers[name] as (input: unknown, call: CallInfo) => Promise<unknown>;
      const output = spec.output.safeParse(await handler(parsed.data, call));
      if (!output.success) {
        options.logger.error('ipc.output-invalid', { channel: name, issues: output.error.issues.length });
        return fail('INTERNAL', INTERNAL_MESSAGE);
      }
      return ok(output.data);
    } catch (error) {
      if (error instanceof AppError) return fail(error.code, error.message);
      options.logger.error('ipc.handler-failed', { channel: name, kind: errorKind(error) });
      return fail('INTERNAL', INTERNAL_MESSAGE);
    }
  }

  return {
    dispose: () => {
      for (const registration of registrations) registration.dispose();
      knownPages.clear();
    },
    broadcast: (event, payload) => {
      const checked = events[event].parse(payload);
      for (const senderId of knownPages) {
        if (!transport.sendTo(senderId, channelOf(event), checked)) knownPages.delete(senderId);
      }
    },
  };
}
