// Picks the providers for a tenant: an OpenAI-compatible endpoint when a key is configured
// (globally, or per tenant — the tenant's key is stored sealed in its settings — or a tenant's own
// keyless baseUrl), else the offline local provider. Embeddings are chosen once per hub, because
// every stored vector must come from the same model to be comparable; `npm run reembed` migrates
// them when the model changes.
import type { Config } from '../../hub/config';
import type { ChatProvider, EmbeddingProvider } from './types';
import { createLocalEmbeddings } from './local/embeddings';
import { createOpenAIChatProvider } from './openai/chat';
import { createOpenAIEmbeddings } from './openai/embeddings';

/** A tenant's own model endpoint, already unsealed. */
export interface TenantLLM { apiKey?: string; baseUrl?: string; model?: string }

let cachedEmbeddings: { key: string; provider: EmbeddingProvider } | undefined;

export function embeddingsFor(config: Config): EmbeddingProvider {
  const useRemote = !!config.llm.apiKey && config.llm.embeddingModel !== 'local';
  const key = useRemote ? `${config.llm.baseUrl}|${config.llm.embeddingModel}` : 'local';
  if (cachedEmbeddings?.key !== key) {
    cachedEmbeddings = {
      key,
      provider: useRemote
        ? createOpenAIEmbeddings({ apiKey: config.llm.apiKey!, baseUrl: config.llm.baseUrl, model: config.llm.embeddingModel, timeoutMs: config.llm.timeoutMs })
        : createLocalEmbeddings(),
    };
  }
  return cachedEmbeddings.provider;
}

/**
 * The chat provider for a tenant, or null for the local extractive responder.
 * - The tenant's own baseUrl (an Ollama, a vLLM…) is used with the tenant's key, or with none:
 *   local servers need no key. The platform's key is never sent to a tenant's URL.
 * - A tenant key without a baseUrl goes to the SDK's default (api.openai.com).
 * - A tenant that only picks a model uses the platform's endpoint and key.
 */
export function chatProviderFor(config: Config, tenant?: TenantLLM, agentModel?: string | null): { provider: ChatProvider; model: string } | null {
  const own = !!(tenant?.baseUrl || tenant?.apiKey);
  const apiKey = own ? tenant?.apiKey ?? NO_KEY : config.llm.apiKey;
  if (!apiKey) return null;
  const model = agentModel ?? tenant?.model ?? config.llm.chatModel;
  const baseUrl = own ? tenant?.baseUrl : config.llm.baseUrl;
  // The SDK's own retries cover a single call; the job queue retries whole runs on top of that.
  return { provider: createOpenAIChatProvider({ apiKey, baseUrl, model, timeoutMs: config.llm.timeoutMs, maxRetries: 2 }), model };
}

/** The SDK refuses to start without a key; keyless servers (Ollama, LM Studio) ignore this one. */
const NO_KEY = 'no-key';
