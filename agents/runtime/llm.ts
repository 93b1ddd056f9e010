// The model-driven agent: context = instructions + rules + contact memory + knowledge top-k
// (+ global store when the tenant consults it) + recent turns; tools run against this tenant's
// data only; text streams out as it is generated.
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import type { HubContext } from '../../hub/context';
import type { ChatProvider, EmbeddingProvider, ToolCall, Usage } from '../providers/types';
import type { AgentRow, RunContext } from './context';
import type { RunOutcome, Source } from './outcome';
import type { DraftStream } from './stream';
import { withTenant } from '../../hub/store/tenant';
import { searchKnowledge, type KnowledgeHit } from '../knowledge/store';
import { recall, remember, listMemories } from '../memory/store';
import { consultGlobal } from '../global/store';
import { TOOL_SPECS, AGENT_TOOLS, type AgentTool } from './tools';
import { SYSTEM_RULES, MAX_TOOL_ROUNDS, MAX_REPLY_TOKENS, leaksInstructions, createLeakGuard, REFUSAL } from './guardrails';
import { detectLanguage } from '../language';

export interface LLMDeps {
  ctx: HubContext;
  embeddings: EmbeddingProvider;
  chat: { provider: ChatProvider; model: string };
  onUsage(usage: Usage, model: string): Promise<void>;
}

const passageText = (hits: KnowledgeHit[]) => hits.map((h, i) => `[${i + 1}] ${h.title}: ${h.content}`).join('\n\n');

function turnsToMessages(run: RunContext): BaseMessage[] {
  return run.turns.filter((m) => m.text.trim() && m.sender.type !== 'system').map((m) =>
    m.direction === 'in' ? new HumanMessage(m.text) : new AIMessage(m.sender.type === 'operator' ? `(${m.sender.name ?? 'Operator'}): ${m.text}` : m.text));
}

export async function answerWithModel(deps: LLMDeps, run: RunContext, agent: AgentRow, draft: DraftStream): Promise<RunOutcome> {
  const { ctx, embeddings } = deps;
  const question = run.trigger.text;
  const [qVec] = await embeddings.embed([question]);
  const memories = await withTenant(ctx.sql, run.tenantId, (tx) => recall(tx, run.contact.id, qVec, 5));
  const hits = await searchKnowledge(ctx.sql, embeddings, run.tenantId, question, { k: 4 });
  const global = run.settings.globalStore?.consult ? await consultGlobal(ctx, embeddings, question, 2) : [];
  const sources = new Map<string, Source>(hits.map((h) => [h.title, { title: h.title, source: h.source }]));

  const system = [
    agent.instructions || `You are ${agent.name}, the assistant of this business.`,
    SYSTEM_RULES,
    memories.length ? `Facts about the current user:\n${memories.map((m) => `- ${m.content}`).join('\n')}` : '',
    hits.length ? `Knowledge passages:\n${passageText(hits)}` : 'No knowledge passage matched the question.',
    global.length ? `Answers other businesses gave to similar questions (anonymized, may not apply):\n${global.map((g) => `- Q: ${g.question}\n  A: ${g.answer}`).join('\n')}` : '',
  ].filter(Boolean).join('\n\n');
  const messages: BaseMessage[] = [new SystemMessage(system), ...turnsToMessages(run)];
  const enabled = agent.tools.filter((t): t is AgentTool => (AGENT_TOOLS as readonly string[]).includes(t));
  const tools = enabled.map((t) => TOOL_SPECS[t]);

  for (let round = 0; round < MAX_TOOL_ROUNDS; round++) {
    const guard = createLeakGuard(agent.instructions, (d) => draft.push(d));
    const res = await deps.chat.provider.chat({ messages, tools, model: deps.chat.model, maxTokens: MAX_REPLY_TOKENS, onDelta: (d) => guard.push(d) });
    const leaked = guard.finish();
    await deps.onUsage(res.usage, res.model);
    if (!res.toolCalls.length) {
      const text = res.text.trim();
      if (!text) return { kind: 'handoff', reason: 'low_confidence', text: handoffText(question), detail: 'empty reply' };
      if (leaked || leaksInstructions(text, agent.instructions)) return { kind: 'reply', text: REFUSAL[detectLanguage(question)], sources: [] };
      return { kind: 'reply', text, sources: [...sources.values()] };
    }
    messages.push(new AIMessage({ content: res.text, tool_calls: res.toolCalls.map((c) => ({ id: c.id, name: c.name, args: c.args, type: 'tool_call' as const })) }));
    for (const call of res.toolCalls) {
      if (call.name === 'handoff_to_human' && enabled.includes('handoff_to_human')) {
        const reason = typeof call.args.reason === 'string' ? call.args.reason.slice(0, 200) : undefined;
        return { kind: 'handoff', reason: 'tool_call', text: res.text.trim() || handoffText(question), detail: reason };
      }
      messages.push(new ToolMessage({ tool_call_id: call.id, content: await runTool(deps, run, enabled, call, sources) }));
    }
  }
  return { kind: 'handoff', reason: 'repeated_failure', text: handoffText(question), detail: 'too many tool rounds' };
}

function handoffText(question: string): string {
  return detectLanguage(question) === 'es'
    ? 'Te comunico con una persona de nuestro equipo. Te responderá aquí en breve.'
    : "I'm connecting you with a person from our team. They'll reply here shortly.";
}

async function runTool(deps: LLMDeps, run: RunContext, enabled: AgentTool[], call: ToolCall, sources: Map<string, Source>): Promise<string> {
  const { ctx, embeddings } = deps;
  if (!(enabled as string[]).includes(call.name)) return `Error: the tool ${call.name} is not available.`;
  switch (call.name as AgentTool) {
    case 'search_knowledge': {
      const query = typeof call.args.query === 'string' && call.args.query.trim() ? call.args.query.slice(0, 500) : run.trigger.text;
      const hits = await searchKnowledge(ctx.sql, embeddings, run.tenantId, query, { k: 4 });
      for (const h of hits) sources.set(h.title, { title: h.title, source: h.source });
      return hits.length ? passageText(hits) : 'No matching passage.';
    }
    case 'remember': {
      const fact = typeof call.args.fact === 'string' ? call.args.fact : '';
      const saved = await withTenant(ctx.sql, run.tenantId, (tx) => remember(tx, embeddings, { tenantId: run.tenantId, contactId: run.contact.id, content: fact, conversationId: run.conversation.id }));
      return saved ? 'Remembered.' : 'Nothing new to remember.';
    }
    case 'lookup_contact': {
      const memories = await withTenant(ctx.sql, run.tenantId, (tx) => listMemories(tx, run.contact.id));
      const c = run.contact;
      return JSON.stringify({ name: c.name, email: c.email, phone: c.phone, attributes: c.attributes, facts: memories.map((m) => m.content) });
    }
    default:
      return `Error: unknown tool ${call.name}.`;
  }
}
