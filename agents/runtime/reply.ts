// The `agent.reply` job: answer one inbound message, or stay silent when a human owns the
// conversation. The reply is streamed as deltas, then stored once (clientId `agent:<message>`
// makes a retried job a no-op) together with its delivery job; a handoff moves the conversation
// to `pending`, which notifies the operators' console, and mutes the bot until someone hands back.
import type { HubContext } from '../../hub/context';
import type { JobRow } from '../../hub/jobs/queue';
import type { EmbeddingProvider, Usage } from '../providers/types';
import { meterEmbeddings, recordUsage as recordTokens } from '../usage';
import { withTenant } from '../../hub/store/tenant';
import { storeOutbound, publishOutbound } from '../../hub/domain/outbound';
import { updateConversation } from '../../hub/domain/conversations';
import { handoffConversation } from '../../hub/domain/transitions';
import { chatProviderFor, embeddingsFor } from '../providers';
import { checkTenantEndpoint } from '../providers/endpoint-guard';
import { LLMError } from '../providers/openai/errors';
import { routeConversation } from '../meta/router';
import { remember } from '../memory/store';
import { loadRunContext, type RunContext } from './context';
import { answerLocally } from './local';
import { answerWithModel } from './llm';
import { openDraft, streamText, type DraftStream } from './stream';
import { extractFacts } from './facts';
import { MAX_AGENT_TURNS } from './guardrails';
import type { RunOutcome } from './outcome';
import { respondLocally, handoffMessage } from '../providers/local/responder';
import { deterministicHandoff } from './handoff-rules';
import { detectLanguage } from '../language';

const DEFAULT_MAX_FAILURES = 2;

export async function runAgentReply(ctx: HubContext, job: JobRow): Promise<void> {
  const tenantId = job.tenant_id!;
  const run = await loadRunContext(ctx, tenantId, String(job.payload.conversationId), String(job.payload.messageId));
  // Silent while a human owns the conversation, after consent was withdrawn, or when a newer message will be answered.
  if (!run || run.conversation.status !== 'bot' || run.superseded) return;
  if (run.tenantLLM?.baseUrl) {
    // Checked when saved too; again here because DNS answers change and the platform flag may have.
    const check = await checkTenantEndpoint(run.tenantLLM.baseUrl, { allowPrivate: ctx.config.llm.allowPrivateUrls });
    if (!check.ok) {
      ctx.log.warn({ tenantId, reason: check.reason }, "tenant model endpoint refused; using the platform's provider");
      run.tenantLLM = undefined;
    }
  }

  // Remote embedding tokens (search, memory) are counted during the run and written once at its end.
  const meter = meterEmbeddings(embeddingsFor(ctx.config));
  try {
    await answerRun(ctx, job, run, meter.embeddings);
  } finally {
    await meter.flush(ctx.sql, { tenantId, conversationId: run.conversation.id });
  }
}

async function answerRun(ctx: HubContext, job: JobRow, run: RunContext, embeddings: EmbeddingProvider): Promise<void> {
  const tenantId = run.tenantId;
  const route = await routeConversation({ agents: run.agents, currentAgentId: run.conversation.agentId, text: run.trigger.text, embeddings,
    chat: run.agents.length > 1 ? chatProviderFor(ctx.config, run.tenantLLM) : null });
  if (!route) return; // no enabled agent: admission already routed the conversation to humans
  if (route.usage) await recordUsage(ctx, run, 'openai', route.usage.model, route.usage.tokens); // the classification call
  const agent = route.agent;
  if (route.method !== 'kept') {
    await withTenant(ctx.sql, tenantId, (tx) => updateConversation(tx, run.conversation.id, { agentId: agent.id }));
  }

  const target = { tenantId, contactId: run.contact.id, conversationId: run.conversation.id };
  let draft = openDraft(ctx, target);
  let outcome: RunOutcome;
  const language = detectLanguage(run.trigger.text);
  // Rules that need no model run first, in both modes (keywords, explicit requests, sentiment, repetition).
  const rule = deterministicHandoff(run, agent);
  if (run.agentTurns >= MAX_AGENT_TURNS) {
    outcome = { kind: 'handoff', reason: 'turn_limit', text: handoffMessage('human', language) };
  } else if (rule) {
    const kind = rule.reason === 'negative_sentiment' ? 'upset' : rule.reason === 'repeated_failure' ? 'unsure' : 'human';
    outcome = { kind: 'handoff', reason: rule.reason, text: handoffMessage(kind, language), ...(rule.detail ? { detail: rule.detail } : {}) };
    // Offline, the local provider still reads the message: its usage and the facts in it are kept as before.
    if (!chatProviderFor(ctx.config, run.tenantLLM, agent.model)) {
      await recordUsage(ctx, run, 'local', 'local-extractive', { promptTokens: estimateTokens(run.trigger.text), completionTokens: estimateTokens(outcome.text) });
      await rememberFacts(ctx, run, embeddings, extractFacts(run.trigger.text, language));
    }
  } else {
    const chat = chatProviderFor(ctx.config, run.tenantLLM, agent.model);
    try {
      if (chat) {
        outcome = await answerWithModel({ ctx, embeddings, chat, onUsage: (u, model) => recordUsage(ctx, run, 'openai', model, u) }, run, agent, draft);
      } else {
        const local = await answerLocally(ctx, run, agent, embeddings);
        await recordUsage(ctx, run, 'local', 'local-extractive', { promptTokens: estimateTokens(run.trigger.text), completionTokens: estimateTokens(local.text) });
        await rememberFacts(ctx, run, embeddings, extractFacts(run.trigger.text, local.language));
        outcome = local;
      }
    } catch (err) {
      draft.abandon(); // the partial reply will not be stored: a retry or the handoff text streams a new draft
      draft = openDraft(ctx, target);
      if (!(err instanceof LLMError)) throw err;
      // The provider is failing (timeouts, 429s, 5xx after the SDK's own retries). Retry the job a
      // few times; past the agent's limit, hand over rather than leave the user waiting.
      const failures = await withTenant(ctx.sql, tenantId, async (tx) => {
        const [r] = await tx<{ bot_failures: number }[]>`update conversations set bot_failures = bot_failures + 1 where id = ${run.conversation.id} returning bot_failures`;
        return r.bot_failures;
      });
      ctx.log.warn({ code: err.code, failures, conversationId: run.conversation.id }, 'agent model call failed');
      if (failures < (agent.handoff.maxFailures ?? DEFAULT_MAX_FAILURES) && job.attempts < job.max_attempts) throw err;
      const text = respondLocally({ question: 'human', passages: [], language: detectLanguage(run.trigger.text) }).text;
      outcome = { kind: 'handoff', reason: 'repeated_failure', text, detail: err.code };
    }
  }
  await deliver(ctx, run, agent, draft, outcome, route.method);
}

async function deliver(ctx: HubContext, run: RunContext, agent: { id: string; name: string }, draft: DraftStream, outcome: RunOutcome, routedBy: string) {
  if (!draft.text) await streamText(draft, outcome.text); // the local provider and handoff texts stream too
  const meta: Record<string, unknown> = { draftId: draft.draftId, agentId: agent.id, routedBy, replyTo: run.trigger.id };
  if (outcome.kind === 'reply') Object.assign(meta, { sources: outcome.sources, ...(outcome.confidence !== undefined ? { confidence: Number(outcome.confidence.toFixed(3)) } : {}) });
  else Object.assign(meta, { handoff: { reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) } });

  const stored = await withTenant(ctx.sql, run.tenantId, async (tx) => {
    // Re-check under the transaction: an operator may have taken over while the model was thinking.
    const [c] = await tx<{ status: string }[]>`select status from conversations where id = ${run.conversation.id} for update`;
    if (c?.status !== 'bot') return null;
    const r = await storeOutbound(tx, run.tenantId, { conversationId: run.conversation.id, text: outcome.text, clientId: `agent:${run.trigger.id}`,
      sender: { type: 'agent', id: agent.id, name: agent.name }, meta });
    if (outcome.kind === 'reply') await tx`update conversations set bot_failures = 0 where id = ${run.conversation.id}`;
    return r;
  });
  if (!stored) { draft.abandon(); return; } // an operator took over while the model was writing
  publishOutbound(ctx, run.tenantId, stored);
  if (outcome.kind === 'handoff') {
    await handoffConversation(ctx, { tenantId: run.tenantId, actorType: 'system', actorId: null }, run.conversation.id, 'human', outcome.reason);
  }
}

async function rememberFacts(ctx: HubContext, run: RunContext, embeddings: EmbeddingProvider, facts: string[]) {
  if (!facts.length) return;
  await withTenant(ctx.sql, run.tenantId, async (tx) => {
    for (const content of facts) await remember(tx, embeddings, { tenantId: run.tenantId, contactId: run.contact.id, content, conversationId: run.conversation.id });
  });
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

function recordUsage(ctx: HubContext, run: RunContext, provider: string, model: string, usage: Usage) {
  return recordTokens(ctx.sql, { tenantId: run.tenantId, conversationId: run.conversation.id }, provider, model, usage);
}
