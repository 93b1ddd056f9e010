// Facts the offline agent remembers about a contact without a model: order numbers and the
// language they write in. (With a model, the `remember` tool does this and more.)
import type { Language } from '../language';

// "order 48213", "order number is A-77120", "mi número de pedido es 48213".
const ORDER = /\b(?:order|pedido|orden|compra)\s*(?:number|n[uú]mero|nro\.?|no\.?|#)?\s*(?:is|was|es|era)?\s*[:#]?\s*([A-Z]{0,4}-?\d{4,12})\b/gi;

export function extractFacts(text: string, language: Language): string[] {
  const facts: string[] = [];
  for (const m of text.matchAll(ORDER)) facts.push(`Mentioned order number ${m[1].toUpperCase()}`);
  facts.push(language === 'es' ? 'Writes in Spanish' : 'Writes in English');
  return [...new Set(facts)];
}
