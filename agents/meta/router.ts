// The meta-agent's router: which of the tenant's agents handles a conversation. With one agent
// there is nothing to decide. Offline, the first message is compared with each agent's
// description by embedding similarity (plus shared terms, so short descriptions still match);
// with a model, it classifies. The choice is recorded on the conversation and kept.
import type { AgentRow } from '../runtime/context';
import type { ChatProvider, EmbeddingProvider, Usage } from '../providers/types';
import { cosine } from '../providers/local/embeddings';
import { contentTerms } from '../text';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';

export interface RouteDecision {
  agent: AgentRow;
  method: 'only' | 'kept' | 'similarity' | 'llm' | 'fallback';
  score?: number;
  /** Tokens the classification call spent (even when its answer was unusable): the caller records them. */
  usage?: { model: string; tokens: Usage };
}

export async function routeConversation(input: {
  agents: AgentRow[];
  currentAgentId: string | null;
  text: string;
  embeddings: EmbeddingProvider;
  chat?: { provider: ChatProvider; model: string } | null;
}): Promise<RouteDecision | null> {
  const { agents } = input;
  if (!agents.length) return null;
  const kept = agents.find((a) => a.id === input.currentAgentId);
  if (kept) return { agent: kept, method: 'kept' };
  if (agents.length === 1) return { agent: agents[0], method: 'only' };

  let usage: RouteDecision['usage'];
  if (input.chat) {
    try {
      const list = agents.map((a, i) => `${i + 1}. ${a.name}: ${a.description}`).join('\n');
      const res = await input.chat.provider.chat({
        model: input.chat.model,
        maxTokens: 5,
        messages: [
          new SystemMessage(`Pick the assistant best suited to the customer's message. Answer with its number only.\n${list}`),
          new HumanMessage(input.text.slice(0, 2000)),
        ],
      });
      usage = { model: res.model, tokens: res.usage };
      const n = Number(res.text.match(/\d+/)?.[0]);
      if (n >= 1 && n <= agents.length) return { agent: agents[n - 1], method: 'llm', usage };
    } catch { /* fall back to similarity */ }
  }

  const [q, ...descs] = await input.embeddings.embed([input.text, ...agents.map((a) => `${a.name}. ${a.description}`)]);
  const qTerms = new Set(contentTerms(input.text));
  let best: RouteDecision = { agent: agents[0], method: 'fallback', score: 0, usage };
  for (const [i, agent] of agents.entries()) {
    const dTerms = contentTerms(`${agent.name} ${agent.description}`);
    const overlap = dTerms.filter((t) => qTerms.has(t)).length / Math.max(1, qTerms.size);
    const score = 0.6 * cosine(q, descs[i]) + 0.4 * overlap;
    if (score > (best.score ?? 0)) best = { agent, method: 'similarity', score, usage };
  }
  return best;
}
