// Text normalization shared by embeddings, search and the local responder (English and Spanish).

export const STOPWORDS = new Set(`a an the and or but if of to in on at by for with from as is are was were be been being do does did
have has had i you he she it we they me my your our their this that these those what which who whom how when where why can could
would should will shall may might must not no so than too very just about into over under again there here all any each some such
only own same also more most other its am s t don doesn isn aren please hi hello hey thanks thank
el la los las un una unos unas y o pero si de del al a en por para con sin como es son fue era ser estar esta este estos estas eso esa ese
que qué cual cuál quien quién cuando cuándo donde dónde porque por qué mi mis tu tus su sus nuestro nuestra lo le les me te se nos
ya muy mas más también hay tengo tiene tienen puedo puede pueden hola gracias favor quiero quisiera saber`.split(/\s+/).map(fold));

/** Lowercase, strip accents, keep letters and digits. */
export function fold(s: string): string {
  return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

export function words(s: string): string[] {
  return fold(s).match(/[a-z0-9ñ]+/g) ?? [];
}

/** A light stemmer for English and Spanish: enough to match "returns"/"return", "envíos"/"envío". */
export function stem(w: string): string {
  if (w.length <= 4 || /^\d+$/.test(w)) return w;
  for (const suf of ['aciones', 'iciones', 'amente', 'mente', 'ation', 'ing', 'ed', 'es', 'os', 'as', 's']) {
    if (w.endsWith(suf) && w.length - suf.length >= 4) return w.slice(0, -suf.length);
  }
  return w;
}

export function contentTerms(s: string): string[] {
  return words(s).filter((w) => !STOPWORDS.has(w) && (w.length > 1 || /\d/.test(w))).map(stem);
}
