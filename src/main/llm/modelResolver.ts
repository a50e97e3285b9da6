import { AppError } from '../../shared/errors';
import type { LlmClient } from './llmClient';

/**
 * Which model to ask. A configured model (release builds: set by IT policy) is used as is. In development and
 * harness builds an empty setting means the first model `/v1/models` lists, looked up once and remembered.
 */
export function createModelResolver(client: LlmClient, configuredModel: string, mayDiscover: boolean): () => Promise<string> {
  let discovered: string | null = null;
  return async () => {
    if (configuredModel) return configuredModel;
    if (!mayDiscover) {
      throw new AppError('LLM_UNAVAILABLE', 'No model is configured. IT sets the model in the policy file.');
    }
    if (discovered) return discovered;
    const models = await client.listModels();
    const first = models[0];
    if (!first) throw new AppError('LLM_UNAVAILABLE', `The model server at ${client.endpoint} lists no models.`);
    discovered = first.id;
    return discovered;
  };
}
