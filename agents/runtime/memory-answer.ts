// Offline answers about the contact's own data from contact memory: "what's my order number?"
// after an earlier conversation stored "Mentioned order number A-77120" (the `remember` tool, the
// offline fact extractor, or a resolve summary). Only questions that ask to recall something about
// the user ("what/which … my …") are answered this way, and only when one memory covers every term
// of the question, so a knowledge question such as "where is my order?" still goes to the knowledge base.
import type { HubContext } from '../../hub/context';
import type { EmbeddingProvider } from '../providers/types';
import type { RunContext } from './context';
import type { RunOutcome } from './outcome';
import type { Language } from '../language';
import { withTenant } from '../../hub/store/tenant';
import { recall, type Memory } from '../memory/store';
import { contentTerms, fold } from '../text';
import { synonymsOf, normalizePhrases } from '../synonyms';

const ABOUT_SELF = /\b(my|mine|i|me|mi|mis|yo)\b/;
const ASKS_RECALL = /\b(what|whats|which|remind|recall|cual|cuales|que|recuerd\w*|recorda\w*)\b/;
const LEAD: Record<Language, string> = { en: 'From our earlier conversations:', es: 'De nuestras conversaciones anteriores:' };

export function asksAboutThemselves(question: string): boolean {
  const f = fold(question).replace(/'/g, '');
  return ABOUT_SELF.test(f) && ASKS_RECALL.test(f);
}

/** Share of the question's terms (with their en/es synonyms) that the memory contains. */
export function memoryCoverage(question: string, memory: string): number {
  const groups = [...new Set(contentTerms(normalizePhrases(question)))].map(synonymsOf);
  if (!groups.length) return 0;
  const have = new Set(contentTerms(normalizePhrases(memory)));
  return groups.filter((g) => [...g].some((t) => have.has(t))).length / groups.length;
}

export async function answerFromMemory(ctx: HubContext, run: RunContext, embeddings: EmbeddingProvider, language: Language): Promise<RunOutcome | null> {
  const question = run.trigger.text;
  if (!asksAboutThemselves(question)) return null;
  const [vector] = await embeddings.embed([question]);
  // recall() reads only this contact's rows, inside the tenant's RLS scope.
  const memories = await withTenant(ctx.sql, run.tenantId, (tx) => recall(tx, run.contact.id, vector, 8));
  const rank = (m: Memory) => (m.kind === 'fact' ? 1 : 0) + (m.similarity ?? 0) / 10;
  const best = memories.filter((m) => memoryCoverage(question, m.content) === 1).sort((a, b) => rank(b) - rank(a))[0];
  if (!best) return null;
  return { kind: 'reply', text: `${LEAD[language]} ${best.content}`, sources: [], confidence: 1 };
}
