// The offline agent: the contact's own memory for questions about themselves, retrieval over the
// tenant's knowledge (and the global store when the tenant consults it), an extractive answer in
// the question's language with its source, and an honest handoff when nothing is good enough.
// No key, no network.
import type { HubContext } from '../../hub/context';
import type { EmbeddingProvider } from '../providers/types';
import type { AgentRow, RunContext } from './context';
import type { RunOutcome } from './outcome';
import { searchKnowledge } from '../knowledge/store';
import { respondLocally, type Passage } from '../providers/local/responder';
import { detectLanguage } from '../language';
import { contentTerms } from '../text';
import { consultGlobal } from '../global/store';
import { asksForInstructions, REFUSAL } from './guardrails';
import { answerFromMemory } from './memory-answer';

/** A follow-up like "and to Spain?" is searched together with the previous question. */
function retrievalQuery(run: RunContext): string {
  const question = run.trigger.text;
  if (contentTerms(question).length >= 3) return question;
  const previous = [...run.turns].reverse().find((m) => m.direction === 'in' && m.seq < run.trigger.seq);
  return previous ? `${previous.text} ${question}` : question;
}

export async function answerLocally(ctx: HubContext, run: RunContext, agent: AgentRow, embeddings: EmbeddingProvider): Promise<RunOutcome & { language: 'en' | 'es' }> {
  const question = run.trigger.text;
  const language = detectLanguage(question);
  if (asksForInstructions(question)) return { kind: 'reply', text: REFUSAL[language], sources: [], language };
  // Keywords, explicit requests and sentiment were checked before (handoff-rules.ts), in both modes.
  const remembered = await answerFromMemory(ctx, run, embeddings, language);
  if (remembered) return { ...remembered, language };

  const query = retrievalQuery(run);
  const hits = await searchKnowledge(ctx.sql, embeddings, run.tenantId, query, { k: 4 });
  const passages: Passage[] = hits.map((h) => ({ title: h.title, source: h.source, content: h.content, similarity: h.similarity }));
  if (run.settings.globalStore?.consult) {
    for (const g of await consultGlobal(ctx, embeddings, query, 2)) {
      // The question as the passage's heading (≤ 80 chars, no colon): the responder matches it as
      // context but quotes only the answer's sentences — not the other customer's question back.
      const heading = g.question.replace(/[:\s]+/g, ' ').trim().slice(0, 80);
      passages.push({ title: 'Community answers', source: null, content: `${heading}: ${g.answer}`, similarity: g.similarity });
    }
  }
  const reply = respondLocally({ question, passages, minConfidence: agent.handoff.minConfidence, language });
  if (reply.kind === 'handoff') {
    if (reply.reason === 'negative_sentiment' && agent.handoff.onNegativeSentiment === false) {
      const calmer = respondLocally({ question: question.replace(/[!]+/g, '.'), passages, minConfidence: agent.handoff.minConfidence, language });
      if (calmer.kind !== 'handoff') return { kind: 'reply', text: calmer.text, sources: calmer.kind === 'answer' ? calmer.sources : [], confidence: calmer.confidence, language };
    }
    return { kind: 'handoff', reason: reply.reason, text: reply.text, language };
  }
  return { kind: 'reply', text: reply.text, sources: reply.kind === 'answer' ? reply.sources : [], confidence: reply.confidence, language };
}
