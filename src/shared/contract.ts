import { z } from 'zod';
import {
  CancelInput,
  CancelOutput,
  DeltaEvent,
  GenerateInput,
  ProtocolResponse,
  RegenerateInput,
  SelectAnswerInput,
  SelectAnswerOutput,
  TurnStartedEvent,
} from './protocol';
import { AuthState, ChangePassphraseInput, CreateProfileInput, Done, ProfileList, SignInWithClinicProfileInput, UnlockInput } from './auth';
import { SyncStatus } from './sync/status';
import { SessionsRemovedEvent, UnsyncedSessions } from './sessionsRemoved';
import { DeleteOutput, SessionInfo, SessionList, SessionRef } from './sessions';
import { LlmStatus, SettingsUpdate, SettingsView } from './settings';
import { Diagnostics } from './diagnostics';
import { AckInput, IndexInput, IndexOutput, OpenInput, OpenOutput, RecordDelivery, ResumeInput, SearchInput, SearchOutput } from './vault';
import { MetadataAnalytics } from './analytics';
import { ExportInput, ExportOutput } from './export';
import type { EventName, OperationName } from './channels';

export {
  CHANNEL_PREFIX,
  channelOf,
  EVENT_NAMES,
  OPERATION_NAMES,
  OPERATIONS_ALLOWED_WHILE_LOCKED,
  type EventName,
  type OperationName,
} from './channels';

/**
 * The IPC contract: every operation and event, listed once. Main registers its handlers *from* this object,
 * the preload (and the browser harness) builds `window.api` *from* it, and the renderer's types follow from it.
 * Names are `<domain>.<verb>`; they become `api.<domain>.<verb>()` and, for events, `api.<domain>.on<Event>()`.
 * Released names are a public interface: rename only with a deprecation.
 */

/** Input schema of an operation that takes no argument. */
export const NoInput = z.undefined({ error: 'this operation takes no argument' });

/** An operation: what it accepts and what it answers. */
export interface OperationSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}

function operation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): OperationSpec<I, O> {
  return { input, output };
}

/** Every request/response operation. */
export const operations = {
  'auth.listProfiles': operation(NoInput, ProfileList),
  'auth.createProfile': operation(CreateProfileInput, AuthState),
  'auth.unlock': operation(UnlockInput, AuthState),
  'auth.lock': operation(NoInput, AuthState),
  'auth.changePassphrase': operation(ChangePassphraseInput, Done),
  'auth.state': operation(NoInput, AuthState),
  'auth.reportActivity': operation(NoInput, Done),
  'auth.signInWithClinicProfile': operation(SignInWithClinicProfileInput, AuthState),
  'protocol.generate': operation(GenerateInput, ProtocolResponse),
  'protocol.cancel': operation(CancelInput, CancelOutput),
  'protocol.regenerate': operation(RegenerateInput, ProtocolResponse),
  'protocol.selectAnswer': operation(SelectAnswerInput, SelectAnswerOutput),
  'sessions.get': operation(SessionRef, SessionInfo),
  'sessions.list': operation(NoInput, SessionList),
  'sessions.delete': operation(SessionRef, DeleteOutput),
  'sessions.resume': operation(ResumeInput, SessionInfo),
  'sessions.export': operation(ExportInput, ExportOutput),
  'vault.open': operation(OpenInput, OpenOutput),
  'vault.index': operation(IndexInput, IndexOutput),
  'vault.ack': operation(AckInput, Done),
  'vault.search': operation(SearchInput, SearchOutput),
  'vault.analytics': operation(NoInput, MetadataAnalytics),
  'settings.get': operation(NoInput, SettingsView),
  'settings.set': operation(SettingsUpdate, SettingsView),
  'llm.status': operation(NoInput, LlmStatus),
  /** Sync's status line now. */
  'sync.status': operation(NoInput, SyncStatus),
  /** Runs a full push + pull cycle and answers once it has finished (or at once with `off`). */
  'sync.now': operation(NoInput, SyncStatus),
  /** The signed-in clinician's sessions with changes not yet on the sync server (the sidebar's marker). */
  'sync.unsyncedSessions': operation(NoInput, UnsyncedSessions),
  'app.diagnostics': operation(NoInput, Diagnostics),
} as const satisfies Record<OperationName, OperationSpec>;

/** Every event main pushes to a page, with its payload schema. */
export const events = {
  'auth.stateChanged': AuthState,
  'protocol.turnStarted': TurnStartedEvent,
  'protocol.delta': DeltaEvent,
  'vault.record': RecordDelivery,
  'llm.statusChanged': LlmStatus,
  'sync.statusChanged': SyncStatus,
  'sync.unsyncedSessionsChanged': UnsyncedSessions,
  /** Sessions main shredded without this page asking: deleted on another workstation, or past retention. */
  'sessions.removed': SessionsRemovedEvent,
} as const satisfies Record<EventName, z.ZodType>;

/** What the caller passes to an operation (before parsing). */
export type OperationInput<N extends OperationName> = z.input<(typeof operations)[N]['input']>;
/** What main's handler receives (after parsing). */
export type ParsedInput<N extends OperationName> = z.output<(typeof operations)[N]['input']>;
/** What an operation answers with, inside the envelope. */
export type OperationOutput<N extends OperationName> = z.output<(typeof operations)[N]['output']>;
/** An event's payload. */
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>;
