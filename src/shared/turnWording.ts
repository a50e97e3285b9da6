/**
 * How a turn's question is worded for the clinician, on screen and in the exported Markdown/PDF alike. The first
 * turn is the intake: the clinician asked for a protocol by sending the patient's details, not by writing a message,
 * so it is shown as that request — not as the instruction main sends the model in its place.
 */

/** The first turn's question as the clinician reads it (the patient summary comes just before it). */
export const INTAKE_REQUEST_TEXT = 'Protocol requested for the patient above.';

/** A turn's question as the clinician reads it: the intake request for turn 1, the message as written after it. */
export function clinicianQuestionText(turn: { readonly seq: number; readonly message: string }): string {
  return turn.seq === 1 ? INTAKE_REQUEST_TEXT : turn.message;
}
