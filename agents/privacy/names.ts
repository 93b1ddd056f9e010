// Names people give themselves ("My name is Pedro Gil", "me llamo Valentina Restrepo", "soy
// Andrés", "Saludos, Camila Torres"). The conversation only knows the contact's and operators'
// names; a person writing for someone else, or a contact with no name on file, introduces
// themselves in the text. Explicit phrases take the next words in any case; looser ones ("soy",
// "this is", sign-offs) only capitalized words, so "soy cliente" and "I'm in Madrid" stay.
import { fold, STOPWORDS } from '../text';

const WORD = "\\p{L}[\\p{L}'’-]*";
const CAP_WORD = "\\p{Lu}[\\p{L}'’-]*";
// The next one to three words after an unambiguous introduction.
const EXPLICIT = new RegExp(`(?<![\\p{L}])(?:(?:my name is|my name's|my full name is|me llamo|mi nombre es|mi nombre completo es)\\s*:?\\s+|(?:name|nombre)\\s*:\\s*)(${WORD}(?:\\s+${WORD}){0,2})`, 'giu');
// Capitalized words after a looser introduction or a sign-off. The phrase is matched in any case
// but the name must be capitalized, and a case-insensitive regex would make \p{Lu} match lowercase.
const anyCase = (phrase: string) => phrase.replace(/\p{L}/gu, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
const LOOSE_PHRASES = ["this is", "it's", "i'm", 'i am', 'soy', 'habla', 'le escribe', 'te escribe', 'les escribe', 'regards', 'best regards', 'kind regards',
  'best', 'cheers', 'atentamente', 'cordialmente', 'saludos', 'un saludo'];
const LOOSE = new RegExp(`(?<![\\p{L}])(?:${LOOSE_PHRASES.map(anyCase).join('|')}),?\\s+(${CAP_WORD}(?:\\s+${CAP_WORD}){0,2})`, 'gu');

// Words that follow those phrases without being names.
const NOT_NAMES = new Set(['spelled', 'wrong', 'missing', 'incorrect', 'not', 'mal', 'escrito', 'aparece', 'english', 'spanish', 'ingles', 'espanol',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'sabado', 'domingo',
  'customer', 'cliente', 'from', 'here', 'aqui', 'sorry', 'done', 'ok', 'okay', 'back', 'new', 'nuevo', 'nueva']);

function keepNameWords(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const f = fold(w);
    if (STOPWORDS.has(f) || NOT_NAMES.has(f) || /\d/.test(w)) break;
    out.push(w);
  }
  return out;
}

/** The names introduced in `text`, each as written ("Pedro Gil"). */
export function introducedNames(text: string): string[] {
  const found = new Set<string>();
  for (const re of [EXPLICIT, LOOSE]) {
    for (const m of text.matchAll(re)) {
      const words = keepNameWords(m[1].split(/\s+/));
      if (words.length) found.add(words.join(' '));
    }
  }
  return [...found];
}
