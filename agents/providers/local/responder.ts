// The offline responder: answers with the knowledge base's own sentences (extractive), names its
// source, speaks the question's language, and hands off to a human when it is not confident —
// or when the user asks for a person or is upset.
import { detectLanguage, type Language } from '../../language';
import { contentTerms, fold } from '../../text';
import { embedLocal, cosine } from './embeddings';
import { splitSentences } from '../../knowledge/prepare';
import { synonymsOf, normalizePhrases } from '../../synonyms';
import { asksForHuman, soundsUpset } from '../../handoff-signals';

export interface Passage { title: string; source?: string | null; content: string; similarity: number }

export type LocalReply =
  | { kind: 'answer'; text: string; sources: { title: string; source?: string | null }[]; confidence: number; language: Language }
  | { kind: 'smalltalk'; text: string; language: Language; confidence: number }
  | { kind: 'handoff'; reason: 'explicit_request' | 'low_confidence' | 'negative_sentiment'; text: string; confidence: number; language: Language };

const GREETING = /^\s*(hi|hello|hey|good (morning|afternoon|evening)|hola|buenas|buenos dias|buenas tardes|buenas noches)[\s!.,]*$/;
const THANKS = /^\s*(thanks|thank you|thx|gracias|muchas gracias|ok|okay|vale|perfecto|great|genial)[\s!.,]*$/;

const T = {
  en: {
    lead: 'Here is what I found:',
    source: 'Source',
    handoff: "I'm not sure about that one, so I'm connecting you with a person from our team. They'll reply here shortly.",
    human: "Of course — I'm connecting you with a person from our team. They'll reply here shortly.",
    upset: "I'm sorry about the trouble. I'm bringing in a person from our team right away.",
    greeting: 'Hi! How can I help you today? You can ask me about shipping, returns, payments or your order.',
    thanks: "You're welcome! Is there anything else I can help you with?",
  },
  es: {
    lead: 'Esto es lo que encontré:',
    source: 'Fuente',
    handoff: 'No estoy seguro de eso, así que te comunico con una persona de nuestro equipo. Te responderá aquí en breve.',
    human: 'Claro, te comunico con una persona de nuestro equipo. Te responderá aquí en breve.',
    upset: 'Lamento mucho el inconveniente. Ya mismo te comunico con una persona de nuestro equipo.',
    greeting: '¡Hola! ¿En qué te puedo ayudar hoy? Puedes preguntarme por envíos, devoluciones, pagos o tu pedido.',
    thanks: '¡Con gusto! ¿Hay algo más en lo que te pueda ayudar?',
  },
} as const;

/** The message sent with a handoff decided before any answer was attempted. */
export function handoffMessage(kind: 'human' | 'upset' | 'unsure', language: Language): string {
  return T[language][kind === 'unsure' ? 'handoff' : kind];
}

export const DEFAULT_MIN_CONFIDENCE = 0.48;

/** The "Heading: " prefix added at chunking, and the sentences after it. */
function passageParts(passage: Passage): { context: string; sentences: string[] } {
  const m = passage.content.match(/^([^:]{1,80}):\s/);
  const body = m ? passage.content.slice(m[0].length) : passage.content;
  return { context: `${passage.title} ${m?.[1] ?? ''}`, sentences: splitSentences(body).filter((s) => s.length > 12) };
}

/**
 * How much of the question a sentence covers: each question term (or a synonym) found in the
 * sentence counts fully, in its heading or document title partly, a shared 5-letter prefix mostly.
 */
function coverage(question: Set<string>[], sentence: string[], context: string[]): number {
  if (!question.length) return 0;
  const have = new Set(sentence);
  const ctx = new Set(context);
  const prefixes = sentence.map((w) => w.slice(0, 5));
  let hit = 0;
  for (const group of question) {
    const terms = [...group];
    if (terms.some((q) => have.has(q))) hit += 1;
    else if (terms.some((q) => q.length >= 5 && prefixes.includes(q.slice(0, 5)))) hit += 0.8;
    else if (terms.some((q) => ctx.has(q))) hit += 0.6;
  }
  return hit / question.length;
}

/** Retrieval already ranked the passages (hybrid search): the first one is usually right. */
const RANK_BONUS = [1, 0.55, 0.3, 0.15];

export function respondLocally(input: { question: string; passages: Passage[]; minConfidence?: number; language?: Language }): LocalReply {
  const language = input.language ?? detectLanguage(input.question);
  const t = T[language];
  const folded = fold(input.question);
  if (soundsUpset(input.question)) return { kind: 'handoff', reason: 'negative_sentiment', text: t.upset, confidence: 0, language };
  if (asksForHuman(input.question)) return { kind: 'handoff', reason: 'explicit_request', text: t.human, confidence: 0, language };
  if (GREETING.test(folded)) return { kind: 'smalltalk', text: t.greeting, language, confidence: 1 };
  if (THANKS.test(folded)) return { kind: 'smalltalk', text: t.thanks, language, confidence: 1 };

  const qGroups = [...new Set(contentTerms(normalizePhrases(input.question)))].map(synonymsOf);
  const qVec = embedLocal(input.question);
  const scored: { sentence: string; passage: Passage; score: number }[] = [];
  for (const [rank, passage] of input.passages.slice(0, 4).entries()) {
    const { context, sentences } = passageParts(passage);
    const cTerms = contentTerms(context);
    // Answer in the question's language when the knowledge has it.
    const sameLanguage = detectLanguage(passage.content) === language ? 0.05 : -0.05;
    for (const sentence of sentences) {
      const score = 0.5 * coverage(qGroups, contentTerms(sentence), cTerms)
        + 0.3 * Math.max(0, cosine(qVec, embedLocal(`${context} ${sentence}`)))
        + 0.2 * RANK_BONUS[rank] + sameLanguage;
      scored.push({ sentence, passage, score });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  const confidence = best ? Math.max(0, Math.min(1, best.score)) : 0;
  if (!best || confidence < (input.minConfidence ?? DEFAULT_MIN_CONFIDENCE)) {
    return { kind: 'handoff', reason: 'low_confidence', text: t.handoff, confidence, language };
  }
  // The best sentence, plus a second one from the same passage when it is nearly as relevant.
  const picked = [best, ...scored.slice(1).filter((s) => s.passage === best.passage && s.score >= best.score * 0.85).slice(0, 1)];
  const ordered = picked.sort((a, b) => best.passage.content.indexOf(a.sentence) - best.passage.content.indexOf(b.sentence));
  const text = `${t.lead} ${ordered.map((s) => s.sentence).join(' ')}\n\n${t.source}: ${best.passage.title}`;
  return { kind: 'answer', text, sources: [{ title: best.passage.title, source: best.passage.source }], confidence, language };
}
