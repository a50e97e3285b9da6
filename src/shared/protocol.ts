import { z } from 'zod';
import { SessionId, TurnId } from './ids';
import { MAX_MESSAGE_TEXT, Patient, PatientUpdate } from './patient';

/**
 * Input of `api.protocol.generate`. Without `sessionId` it opens a session: `patient` (whole) is required and
 * `message` is optional. With `sessionId` it is a follow-up: `message` is required and `patient` may update
 * some fields. Unknown keys are refused, so a typo never silently drops data.
 *
 * `doNotKeep` (first turn only): the patient declined storage. Main then seals and delivers nothing for the session
 * — no record, no session key — keeps it in memory only and leaves it out of `sessions.list`; it is gone once it
 * leaves memory. The session remembers the choice; a follow-up cannot change it.
 */
export const GenerateInput = z
  .strictObject({
    sessionId: SessionId.optional(),
    patient: PatientUpdate.optional(),
    message: z
      .string({ error: 'message must be text' })
      .max(MAX_MESSAGE_TEXT, { error: `message is longer than ${MAX_MESSAGE_TEXT} characters` })
      .optional(),
    doNotKeep: z.boolean({ error: 'doNotKeep must be true or false' }).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.sessionId !== undefined && input.doNotKeep !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['doNotKeep'], message: 'doNotKeep is chosen when a session starts, not on a follow-up' });
    }
    if (input.sessionId === undefined) {
      if (input.patient === undefined) {
        ctx.addIssue({ code: 'custom', path: ['patient'], message: 'patient is required to start a session' });
        return;
      }
      // The first turn needs the whole patient. Fields that are present were checked already by PatientUpdate;
      // here only the required ones that are missing are reported, so no problem is reported twice.
      const whole = Patient.safeParse(input.patient);
      const given = input.patient as Record<string, unknown>;
      for (const issue of whole.success ? [] : whole.error.issues) {
        const field = issue.path[0];
        if (issue.path.length === 1 && typeof field === 'string' && given[field] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['patient', field], message: issue.message });
        }
      }
    } else if (input.message === undefined || input.message.trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'A follow-up needs a message' });
    }
  });
/** @see GenerateInput */
export type GenerateInput = z.input<typeof GenerateInput>;

/** Why a turn's answer is incomplete, when it is. */
/** Why an answer ended early: stopped by the clinician, cut by the server, out of tokens, or the app locked mid-answer. */
export const IncompleteReason = z.enum(['cancelled', 'stream_cut', 'max_tokens', 'locked']);
/** @see IncompleteReason */
export type IncompleteReason = z.infer<typeof IncompleteReason>;

/** What a turn tells about how it was produced. */
export const TurnMetadata = z.strictObject({
  inferenceTimeMs: z.number().nonnegative(),
  model: z.string(),
  endpoint: z.string(),
  temperature: z.number(),
  maxTokens: z.number().int(),
  /** Turns in the session so far, this one included. */
  conversationCount: z.number().int().positive(),
  promptTokens: z.number().int().nonnegative().nullable(),
  completionTokens: z.number().int().nonnegative().nullable(),
  /** Earlier turns sent with this one (all of them unless the history was trimmed to fit the context). */
  historyTurnsIncluded: z.number().int().nonnegative(),
  /** True when older turns were left out of the prompt to fit the model's context length. */
  historyTrimmed: z.boolean(),
});
/** @see TurnMetadata */
export type TurnMetadata = z.infer<typeof TurnMetadata>;

/** Output of `api.protocol.generate`: the seed's ProtocolResponse, in camelCase, plus the turn's status. */
export const ProtocolResponse = z.strictObject({
  sessionId: SessionId,
  turnId: TurnId,
  /** 1-based position of the turn in its session, minted by main. */
  seq: z.number().int().positive(),
  protocol: z.string(),
  /** The session's patient after this turn's updates: the input echoed back. */
  patientSummary: Patient,
  metadata: TurnMetadata,
  /** ISO 8601 UTC time the answer finished. */
  timestamp: z.iso.datetime(),
  status: z.enum(['complete', 'incomplete']),
  incompleteReason: IncompleteReason.nullable(),
});
/** @see ProtocolResponse */
export type ProtocolResponse = z.infer<typeof ProtocolResponse>;

/** Input of `api.protocol.cancel`: stops the turn running in that session, if any. */
export const CancelInput = z.strictObject({ sessionId: SessionId });
/** @see CancelInput */
export type CancelInput = z.input<typeof CancelInput>;

/** Output of `api.protocol.cancel`. */
export const CancelOutput = z.strictObject({ cancelled: z.boolean() });
/** @see CancelOutput */
export type CancelOutput = z.infer<typeof CancelOutput>;

/**
 * Input of `api.protocol.regenerate`: asks the model again for the answer to `turnId`'s message, with the same
 * history. Only the session's latest turn can be regenerated. The new answer is a new turn record, a sibling of
 * `turnId` (same `seq`, `parentTurnId` = `turnId`), and becomes the answer the next follow-up builds on.
 */
export const RegenerateInput = z.strictObject({ sessionId: SessionId, turnId: TurnId });
/** @see RegenerateInput */
export type RegenerateInput = z.input<typeof RegenerateInput>;

/**
 * Input of `api.protocol.selectAnswer`: the clinician switched the latest turn back to one of its answers (a
 * sibling). Main makes it the answer the next follow-up builds on, and — for a kept session — re-seals its record so
 * history (review and resume) shows it too. Only siblings of the latest turn main holds can be selected.
 */
export const SelectAnswerInput = z.strictObject({ sessionId: SessionId, turnId: TurnId });
/** @see SelectAnswerInput */
export type SelectAnswerInput = z.input<typeof SelectAnswerInput>;

/** Output of `api.protocol.selectAnswer`: the answer now live. */
export const SelectAnswerOutput = z.strictObject({ turnId: TurnId });
/** @see SelectAnswerOutput */
export type SelectAnswerOutput = z.infer<typeof SelectAnswerOutput>;

/** Event sent when main has accepted a turn and minted its ids, before the model is called. */
export const TurnStartedEvent = z.strictObject({
  sessionId: SessionId,
  turnId: TurnId,
  seq: z.number().int().positive(),
});
/** @see TurnStartedEvent */
export type TurnStartedEvent = z.infer<typeof TurnStartedEvent>;

/** One piece of a streamed answer; `index` counts from 0 within the turn so order can be checked. */
export const DeltaEvent = z.strictObject({
  sessionId: SessionId,
  turnId: TurnId,
  index: z.number().int().nonnegative(),
  delta: z.string(),
});
/** @see DeltaEvent */
export type DeltaEvent = z.infer<typeof DeltaEvent>;
