// Deterministic handoff signals, checked before any answer is attempted (offline or with a model):
// an explicit request for a human, and clear negative sentiment. A request is a *phrase* asking
// for a person ("can I speak to a human?", "quiero hablar con un asesor"), or a message that is
// only the word ("human", "asesor"): bare words like "person", "someone" or "talk to" inside a
// question ("Does the courier person call?", "Can someone deliver on Saturday?") are not requests.
import { fold } from './text';

const PERSON_EN = '(?:a |an |the |some |real |actual |live )*(?:human|person|agent|operator|representative|rep|someone|somebody|manager|supervisor|staff|employee|people)';
const PERSON_ES = '(?:un |una |el |la |algun |alguna |alguien |(?:un )?ser )*(?:humano|humana|persona|agente|asesor|asesora|operador|operadora|representante|alguien|encargado|encargada|supervisor|gerente|empleado|empleada)';

const REQUEST = new RegExp([
  // "speak/talk/chat to/with a human", "get me a person", "connect me with an agent", "transfer me to someone"
  `\\b(?:speak|talk|chat|connect|transfer|put|pass|get|give|send|want|need|like|escalate)(?: me)?(?: through)? (?:to|with|me|(?:to )?speak to)? ?${PERSON_EN}\\b`,
  `\\b(?:real|actual|live) (?:human|person|agent)\\b`,
  `\\b(?:human|agent|person|operator|representative)(?:,)? please\\b`,
  `\\bis (?:there|this) (?:a|an) (?:human|real person|bot|robot)\\b`,
  `\\bare you (?:a )?(?:bot|robot|human|real)\\b`,
  // "hablar con una persona", "quiero un asesor", "me pasas/comunicas con un agente", "persona real"
  `\\b(?:hablar|habla|chatear|comunicar|comunicarme|comunicas|comunica|pasar|pasas|pasame|pasa|comunicame|transferir|transfiere|transfiereme|contactar)(?: me)?(?: con| a)? ${PERSON_ES}\\b`,
  `\\b(?:quiero|necesito|queria|quisiera|dame|deseo)(?: hablar con)? ${PERSON_ES}\\b`,
  `\\b(?:persona|humano|agente|asesor) (?:real|de verdad)\\b`,
  `\\b(?:humano|asesor|agente|persona)(?:,)? por favor\\b`,
  `\\beres (?:un )?(?:bot|robot|humano|persona real)\\b`,
].join('|'));
// A message that is nothing but the request word.
const SINGLE_WORD = /^\s*(?:human|humano|agent|agente|person|persona|operator|operador|representative|representante|asesor|asesora|help desk|support|soporte)\s*[.!?]*\s*$/;

const NEGATIVE = /\b(angry|furious|terrible|awful|worst|useless|ridiculous|scam|fraud|hate|disgusting|unacceptable|pesimo|pesima|horrible|estafa|fraude|odio|inaceptable|harto|harta|molesto|molesta|furioso|furiosa|ladrones|basura|garbage|stupid|estupido|ridiculo|ridicula|verguenza)\b/;

export function asksForHuman(text: string): boolean {
  const t = fold(text).replace(/[¿¡]/g, ' ').replace(/\s+/g, ' ');
  return SINGLE_WORD.test(t) || REQUEST.test(t);
}

export function soundsUpset(text: string): boolean {
  return NEGATIVE.test(fold(text));
}
