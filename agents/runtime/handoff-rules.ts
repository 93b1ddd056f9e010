// The handoff rules that need no model, run before any answer is attempted — offline or with a
// model — so an agent's `keywords`, `onNegativeSentiment` and an explicit request for a human mean
// the same thing in both modes, and no tokens are spent on a conversation that must go to a person.
// Also "repeated failure": the contact asking essentially the same question again and again, or
// the agent having already admitted twice that it does not know.
import type { AgentRow, RunContext } from './context';
import type { HandoffReason } from './outcome';
import { asksForHuman, soundsUpset } from '../handoff-signals';
import { contentTerms, fold } from '../text';

/** The same question this many times (the current one included) means the answers are not helping. */
export const REPEATED_QUESTION_LIMIT = 3;
/** Agent replies admitting it does not know, after which the next message goes to a person. */
export const NOT_KNOWING_LIMIT = 2;

const NOT_KNOWING = /\b(?:i don'?t know|i do not know|i'?m not sure|i am not sure|i couldn'?t find|i could not find|i can'?t help with|no (?:lo )?s[eé]\b|no estoy segur[oa]|no encontr[eé]|no tengo (?:esa )?informaci[oó]n)/i;

function similar(a: string[], b: string[]): boolean {
  const A = new Set(a), B = new Set(b);
  if (!A.size || !B.size) return fold(a.join(' ')) === fold(b.join(' '));
  const shared = [...A].filter((t) => B.has(t)).length;
  return shared / Math.max(A.size, B.size) >= 0.75;
}

export function deterministicHandoff(run: RunContext, agent: AgentRow): { reason: HandoffReason; detail?: string } | null {
  const question = run.trigger.text;
  const folded = fold(question);
  const keyword = agent.handoff.keywords?.find((k) => k.trim() && folded.includes(fold(k)));
  if (keyword) return { reason: 'keyword', detail: keyword };
  if (asksForHuman(question)) return { reason: 'explicit_request' };
  if (agent.handoff.onNegativeSentiment !== false && soundsUpset(question)) return { reason: 'negative_sentiment' };

  const asked = contentTerms(question);
  const earlier = run.turns.filter((m) => m.direction === 'in' && m.sender.type === 'contact' && m.seq < run.trigger.seq);
  const repeats = 1 + earlier.filter((m) => similar(contentTerms(m.text), asked)).length;
  if (repeats >= REPEATED_QUESTION_LIMIT) return { reason: 'repeated_failure', detail: `same question ${repeats} times` };
  // Only since a person last spoke: an operator handing back starts the count again.
  const lastOperator = Math.max(-1, ...run.turns.filter((m) => m.sender.type === 'operator').map((m) => m.seq));
  const notKnowing = run.turns.filter((m) => m.sender.type === 'agent' && m.seq > lastOperator && NOT_KNOWING.test(m.text)).length;
  if (notKnowing >= NOT_KNOWING_LIMIT) return { reason: 'repeated_failure', detail: 'agent did not know twice' };
  return null;
}
