// The personal-data patterns behind redact(), each with a validator where a checksum exists, so
// ordinary numbers (prices like 25.000 COP, order numbers, dates, quantities) are left alone.

export type PiiKind = 'email' | 'phone' | 'card' | 'iban' | 'national_id' | 'address' | 'url_token' | 'name' | 'ip';

export interface Pattern {
  kind: PiiKind; re: RegExp; placeholder: string;
  valid?: (match: string) => boolean;
  /** For greedy matches that may run into the next word: the length of the longest valid prefix (0 if none). */
  validPrefix?: (match: string) => number;
}

const digits = (s: string) => s.replace(/\D/g, '');

/** Luhn checksum, used by every payment card number. */
export function luhn(num: string): boolean {
  const d = digits(num);
  if (d.length < 13 || d.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2 === 1) { n *= 2; if (n > 9) n -= 9; }
    sum += n;
  }
  return sum % 10 === 0;
}

/** IBAN mod-97 check (ISO 13616). */
export function ibanValid(raw: string): boolean {
  const s = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const c of v) rem = (rem * 10 + Number(c)) % 97;
  }
  return rem === 1;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
function dniValid(s: string): boolean {
  const m = s.toUpperCase().match(/^([XYZ]?)(\d{7,8})([A-Z])$/);
  if (!m) return false;
  const num = Number((m[1] ? String('XYZ'.indexOf(m[1])) : '') + m[2]);
  return DNI_LETTERS[num % 23] === m[3];
}

const STREET_EN = 'Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Parkway|Pkwy|Highway|Hwy|Square|Sq';
const STREET_ES = 'Calle|Cl|Cll|Carrera|Cra|Cr|Kr|Kra|Avenida|Av|Avda|Diagonal|Dg|Transversal|Tv|Trans|Paseo|Plaza|Pza|Camino|Ronda|Travesía|Travesia|C/';
// Words that sit between a number and a street word in ordinary sentences, never in a street name.
const NOT_STREET_NAME = '(?:the|a|an|on|in|of|to|at|my|your|our|by|for|from|and|or|is|are|was|minutes?|min|hours?|days?|weeks?|blocks?|miles?|km|stores?|shops?|y|el|la|los|las|en|de|del|estaba|esta|est[aá]|es|son|fue|cerrada|cerrado|hasta|hace|por|para|con|que)';
const NAME_WORD = "[A-ZÁÉÍÓÚÑ][\\wÁÉÍÓÚáéíóúñü'.-]*";

// Order matters: the more specific kinds run first so their digits are not taken for phones.
export const PATTERNS: Pattern[] = [
  // Local parts may use any RFC 5322 atom character.
  { kind: 'email', placeholder: '[email]', re: /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  // "ana dot perez at gmail dot com", "juan arroba hotmail punto com"
  { kind: 'email', placeholder: '[email]', re: /\b[\w.+-]+(?:\s+(?:dot|punto)\s+[\w-]+)*\s+(?:at|arroba)\s+[\w-]+(?:\s+(?:dot|punto)\s+[a-z]{2,})+\b/gi },
  // Spam-dodging forms: "ana(at)gmail.com", "ana [at] hotmail [dot] com", "ana @ gmail.com", "laura(arroba)yahoo.es".
  { kind: 'email', placeholder: '[email]', re: /[\w.+-]+\s*(?:[([{]\s*(?:at|arroba)\s*[)\]}]|\s@\s*|@\s+)\s*[\w-]+(?:\s*(?:\.|[([{]\s*(?:dot|punto)\s*[)\]}]|\s(?:dot|punto)\s)\s*[\w-]+)+/gi },
  // "mike at outlook.com": a bare "at" only before a well-known mail provider, so "look at example.com" stays.
  { kind: 'email', placeholder: '[email]', re: /\b[\w.+-]+\s+(?:at|arroba)\s+(?:gmail|googlemail|hotmail|outlook|live|msn|yahoo|ymail|icloud|me|aol|proton|protonmail|gmx|zoho)\.[a-z]{2,}(?:\.[a-z]{2,})?\b/gi },
  // URLs that carry a credential or personal parameter, or a long random path segment.
  { kind: 'url_token', placeholder: '[url]', re: /\b(?:https?:\/\/|www\.)[^\s<>"')]+/gi,
    valid: (u) => /[?&#](?:[\w-]*(?:token|key|sig|signature|session|sid|auth|code|otp|pass|password|secret|email|mail|user|uid|phone|reset|invite)[\w-]*)=/i.test(u)
      || /\/(?:reset|verify|confirm|invite|unsubscribe|magic|login)[/?]/i.test(u)
      || /\/(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}/.test(u)
      // Short, opaque parameters ("?t=abc123", "?u=a8f3k2q9") and any random-looking value ("ref=ZX81KQ27PL").
      || /[?&#][\w-]{1,3}=(?=[^&#\s]*\d)(?=[^&#\s]*[A-Za-z])[^&#\s]{5,}/.test(u)
      || /[?&#][\w-]+=(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8,}(?:[&#\s]|$)/.test(u) },
  { kind: 'iban', placeholder: '[iban]', re: /\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{1,4}){3,9}\b/g, validPrefix: (m) => {
    // Case-insensitive: people type "es91 2100 …"; mod-97 keeps ordinary words out.
    for (let end = m.length; end >= 15; end--) if (/[A-Za-z0-9]$/.test(m.slice(0, end)) && ibanValid(m.slice(0, end))) return end;
    return 0;
  } },
  { kind: 'card', placeholder: '[card]', re: /\b\d(?:[ .-]?\d){12,18}\b/g, valid: luhn },
  { kind: 'national_id', placeholder: '[id]', re: /\b\d{3}-\d{2}-\d{4}\b/g }, // US SSN
  // Dotted numbers with a check digit: Brazilian CPF 123.456.789-09, Chilean RUT 12.345.678-5,
  // Colombian NIT 900.123.456-7. Prices never end in "-digit", so this shape is an ID.
  { kind: 'national_id', placeholder: '[id]', re: /\b\d{1,3}(?:\.\d{3}){2,3}-[\dkK]{1,2}\b/g },
  { kind: 'national_id', placeholder: '[id]', re: /\b\d{2}-\d{8}-\d\b/g }, // Argentine CUIT/CUIL
  { kind: 'national_id', placeholder: '[id]', re: /\b[XYZ]?\d{7,8}-?[A-Z]\b/gi, valid: (s) => dniValid(s.replace('-', '')) }, // Spanish DNI / NIE
  { kind: 'national_id', placeholder: '[id]', re: /\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b/g }, // Mexican CURP
  { kind: 'national_id', placeholder: '[id]', re: /\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b/g }, // Mexican RFC
  // Any number introduced as an identity document, in either language.
  { kind: 'national_id', placeholder: '[id]',
    re: /\b(?:c[ée]dula(?:\s+de\s+ciudadan[íi]a)?|C\.?C\.?|C\.?E\.?|T\.?I\.?|DNI|NIE|NIF|RUT|RUN|RFC|CURP|INE|SSN|CPF|RG|CNPJ|CUIT|CUIL|NIT|social security(?: number)?|passport|pasaporte|documento(?: de identidad)?|identificaci[óo]n|ID(?: number| card)?|tax id|national id)(?:\s*(?:number|no\.?|nro\.?|n[úu]mero|num\.?|#|:|es|is|was|era|de|del|mi|my))*\s*:?\s*[A-Z]{0,3}[\d][\d.\- ]{4,16}[\dA-Z]\b/gi },
  { kind: 'ip', placeholder: '[ip]', re: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g },
  // Colombian addresses: "Calle 45 # 12-34", "Cra 15 #88-64 apto 301", "Carrera 7 No. 32-16"
  { kind: 'address', placeholder: '[address]',
    re: new RegExp(`\\b(?:${STREET_ES})\\.?\\s+\\d+[A-Z]?(?:\\s*(?:bis|sur|este))?\\s*(?:#|No\\.?|N[°º]|n[úu]mero)\\s*\\d+[A-Z]?\\s*-\\s*\\d+(?:\\s*(?:,\\s*)?(?:apto|apartamento|int|interior|casa|torre|piso|of|oficina)\\.?\\s*\\d+\\w*)?`, 'gi') },
  // Spanish style: "Calle Mayor 5, 3º B", "Av. Siempre Viva 742", "Plaza de España 1"
  { kind: 'address', placeholder: '[address]',
    re: new RegExp(`(?:\\b|(?<=\\s))(?:${STREET_ES})\\.?\\s+(?:(?:de|del|la|las|los|el)\\s+)*${NAME_WORD}(?:\\s+(?:(?:de|del|la|las|los|el)\\s+)*${NAME_WORD}){0,3},?\\s+(?:n[º°]\\s*)?\\d{1,5}[A-Z]?(?:,\\s*\\d{1,2}\\s*[º°ª]?\\s*[A-Z]?\\b)?`, 'g') },
  // English: "221B Baker Street", "1600 Pennsylvania Ave NW", "123 Main St, Apt 4"
  { kind: 'address', placeholder: '[address]',
    re: new RegExp(`\\b\\d{1,6}[A-Z]?\\s+(?:${NAME_WORD}\\s+){1,3}(?:${STREET_EN})\\b\\.?(?:\\s+(?:NW|NE|SW|SE|N|S|E|W)\\b)?(?:,?\\s*(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\\.?\\s*#?\\w+)?`, 'g') },
  // The same, typed in lower case ("123 main street apt 4"): only unambiguous street words, and
  // the words between must not be ordinary ones, so "3 days on the road" and "a 10 minute drive" stay.
  { kind: 'address', placeholder: '[address]',
    re: new RegExp(`\\b\\d{1,6}[a-z]?\\s+(?:(?:n|s|e|w|ne|nw|se|sw)\\.?\\s+)?(?:(?!${NOT_STREET_NAME}\\b)[a-z][\\w'-]*\\s+){1,3}(?:street|avenue|ave|road|boulevard|blvd|lane|terrace|parkway|highway)\\b\\.?(?:,?\\s*(?:apt|apartment|suite|ste|unit|floor|#)\\.?\\s*#?\\w+)?`, 'gi') },
  // Spanish in lower case: "avenida siempre viva 742", "c/ mayor 12".
  { kind: 'address', placeholder: '[address]',
    re: new RegExp(`(?:\\b|(?<=\\s))(?:calle|avenida|avda|av|paseo|plaza|camino|ronda|c/)\\.?\\s+(?:(?!${NOT_STREET_NAME}\\b)[\\p{L}][\\p{L}'-]*\\s+){1,4}\\d{1,5}[a-z]?\\b`, 'giu') },
  // Phones: international (+57 300 123 4567, 0044 20 7946 0958) …
  { kind: 'phone', placeholder: '[phone]', re: /(?:\+|\b00)\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}\b/g, valid: (s) => digits(s).length >= 8 },
  // Local formats are found with libphonenumber's metadata (phones.ts), which knows each country's numbering.
];
