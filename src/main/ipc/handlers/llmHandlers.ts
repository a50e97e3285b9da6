import type { LlmStatus } from '../../../shared/settings';
import type { OperationHandlers } from '../registrar';

/** `api.llm.*`. */
export function llmHandlers(probe: () => Promise<LlmStatus>): Pick<OperationHandlers, 'llm.status'> {
  return { 'llm.status': () => probe() };
}
