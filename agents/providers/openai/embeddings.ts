// Embeddings from an OpenAI-compatible endpoint, asked for Misy's fixed dimension, in batches.
import OpenAI from 'openai';
import { EMBEDDING_DIMENSIONS, type EmbeddingProvider } from '../types';
import { LLMError, toLLMError } from './errors';

/** Inputs per request: well under every provider's limit (OpenAI takes 2048, some servers far fewer). */
export const EMBEDDING_BATCH_SIZE = 64;

/**
 * Fits a vector to Misy's dimension. OpenAI honours `dimensions`; Ollama and vLLM ignore it and
 * answer with the model's native size (768, 1024, 1536…). A longer vector is cut to its first 256
 * components and re-normalized: this is exactly what `dimensions` does server-side for Matryoshka
 * models (text-embedding-3-*, nomic-embed-text v1.5, mxbai-embed-large), and for other models it
 * still beats refusing to work. A shorter vector cannot be padded meaningfully, so it is an error
 * that names both sizes.
 */
export function fitDimensions(v: number[], model: string): number[] {
  if (v.length === EMBEDDING_DIMENSIONS) return v;
  if (v.length < EMBEDDING_DIMENSIONS) {
    throw new LLMError('bad_response', `embedding model ${model} returned ${v.length} dimensions, expected ${EMBEDDING_DIMENSIONS}; use a model with at least ${EMBEDDING_DIMENSIONS}`);
  }
  const cut = v.slice(0, EMBEDDING_DIMENSIONS);
  const norm = Math.hypot(...cut) || 1;
  return cut.map((x) => x / norm);
}

export function createOpenAIEmbeddings(opts: { apiKey: string; baseUrl?: string; model: string; timeoutMs: number; maxRetries?: number }): EmbeddingProvider {
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseUrl, timeout: opts.timeoutMs, maxRetries: opts.maxRetries ?? 2 });
  return {
    model: `openai:${opts.model}`,
    async embed(texts, o) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += EMBEDDING_BATCH_SIZE) {
        const batch = texts.slice(i, i + EMBEDDING_BATCH_SIZE);
        try {
          const res = await client.embeddings.create({ model: opts.model, input: batch, dimensions: EMBEDDING_DIMENSIONS }, { signal: o?.signal });
          if (res.data.length !== batch.length) throw new LLMError('bad_response', `expected ${batch.length} embeddings, the model returned ${res.data.length}`);
          out.push(...res.data.sort((a, b) => a.index - b.index).map((d) => fitDimensions(d.embedding, opts.model)));
          if (res.usage) o?.onUsage?.({ promptTokens: res.usage.prompt_tokens ?? 0, completionTokens: 0 });
        } catch (err) {
          throw toLLMError(err);
        }
      }
      return out;
    },
  };
}
