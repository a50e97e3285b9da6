import { isRecord } from './chatRequest.js';
import type { RecordedRequest } from './types.js';

/**
 * The reply used when nothing is queued. It says what it is and never echoes
 * the request's text: prompts in tests may contain (fake) patient data, and
 * echoing would hide bugs where the app shows its own input as the answer.
 *
 * @param answered the 1-based number of the chat completion being answered
 */
export function scriptedDefaultReply(answered: number): (request: RecordedRequest) => string {
  return (request) =>
    `Scripted reply #${answered} from the test server (not a model). It received ${countMessages(request.body)} messages.`;
}

function countMessages(body: unknown): number {
  return isRecord(body) && Array.isArray(body['messages']) ? body['messages'].length : 0;
}
