// Embeddings from an OpenAI-compatible endpoint, asked for Misy's fixed dimension.
import OpenAI from 'openai';
import { EMBEDDING_DIMENSIONS, type EmbeddingProvider } from '../types';
import { LLMError, toLLMError } from './errors';

export function createOpenAIEmbeddings(opts: { apiKey: string; baseUrl?: string; model: string; timeoutMs: number; maxRetries?: number }): EmbeddingProvider {
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseUrl, timeout: opts.timeoutMs, maxRetries: opts.maxRetries ?? 2 });
  return {
    model: `openai:${opts.model}`,
    async embed(texts, o) {
      if (!texts.length) return [];
      try {
        const res = await client.embeddings.create({ model: opts.model, input: texts, dimensions: EMBEDDING_DIMENSIONS }, { signal: o?.signal });
        const out = res.data.sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (out.length !== texts.length || out.some((v) => v.length !== EMBEDDING_DIMENSIONS)) {
          throw new LLMError('bad_response', `expected ${texts.length} embeddings of ${EMBEDDING_DIMENSIONS} dimensions; the model must support the "dimensions" parameter`);
        }
        return out;
      } catch (err) {
        throw toLLMError(err);
      }
    },
  };
}
