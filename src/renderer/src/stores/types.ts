/**
 * The shape of the one app store, assembled from slices. Slices are typed against the whole state so an action in
 * one slice can call another's (submitting the intake starts a session).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AnalyticsSlice } from './analyticsSlice';
import type { AuthSlice } from './authSlice';
import type { ExportSlice } from './exportSlice';
import type { HistoryFormatSlice } from './historyFormatSlice';
import type { HistorySlice } from './historySlice';
import type { IntakeSlice } from './intakeSlice';
import type { LlmStatusSlice } from './llmStatusSlice';
import type { PatientDataSlice } from './patientData';
import type { SessionRemovalSlice } from './sessionRemovalSlice';
import type { SessionSlice } from './sessionSlice';
import type { SyncStatusSlice } from './syncStatusSlice';
import type { UiSlice } from './uiSlice';

/** Everything the renderer knows, and every action that changes it. */
export type AppState = IntakeSlice &
  SessionSlice &
  LlmStatusSlice &
  SyncStatusSlice &
  SessionRemovalSlice &
  AuthSlice &
  HistorySlice &
  UiSlice &
  ExportSlice &
  AnalyticsSlice &
  HistoryFormatSlice &
  PatientDataSlice;

/** A slice's creator: it sees the whole store and contributes its part. */
export type SliceCreator<Slice> = StateCreator<AppState, [], [], Slice>;

/** Keeps only the data members of a slice (what tests reset and `initialState` lists). */
export type DataOf<Slice> = { [K in keyof Slice as Slice[K] extends (...args: never[]) => unknown ? never : K]: Slice[K] };
