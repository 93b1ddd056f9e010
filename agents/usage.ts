// Token usage per tenant and conversation (the basis for usage-based pricing): chat calls, the
// router's classification call and remote embeddings all land in llm_usage the same way.
import type { Sql } from '../hub/store/database';
import { withTenant } from '../hub/store/tenant';
import type { EmbeddingProvider, Usage } from './providers/types';

export async function recordUsage(sql: Sql, where: { tenantId: string; conversationId: string | null }, provider: string, model: string, usage: Usage): Promise<void> {
  await withTenant(sql, where.tenantId, (tx) => tx`
    insert into llm_usage (tenant_id, conversation_id, provider, model, prompt_tokens, completion_tokens)
    values (${where.tenantId}, ${where.conversationId}, ${provider}, ${model}, ${usage.promptTokens}, ${usage.completionTokens})`);
}

/**
 * Wraps an embedding provider so the tokens it spends are counted, then written once with
 * `flush`. Counting in memory (rather than inserting per call) matters because embeddings are
 * often computed inside a tenant transaction (remembering a fact): a second connection there
 * could wait on the pool that transaction holds.
 */
export function meterEmbeddings(inner: EmbeddingProvider) {
  let promptTokens = 0;
  const embeddings: EmbeddingProvider = {
    model: inner.model,
    embed: (texts, o) => inner.embed(texts, { ...o, onUsage: (u) => { promptTokens += u.promptTokens; o?.onUsage?.(u); } }),
  };
  return {
    embeddings,
    /** Writes what was counted since the last flush (nothing for the local provider). */
    async flush(sql: Sql, where: { tenantId: string; conversationId: string | null }): Promise<void> {
      if (!promptTokens) return;
      const usage = { promptTokens, completionTokens: 0 };
      promptTokens = 0;
      await recordUsage(sql, where, 'openai', inner.model.replace(/^openai:/, ''), usage);
    },
  };
}
