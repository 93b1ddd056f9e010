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
const NAME_WORD = "[A-ZÁÉÍÓÚÑ][\\wÁÉÍÓÚáéíóúñü'.-]*";

// Order matters: the more specific kinds run first so their digits are not taken for phones.
export const PATTERNS: Pattern[] = [
  // Local parts may use any RFC 5322 atom character.
  { kind: 'email', placeholder: '[email]', re: /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  // "ana dot perez at gmail dot com", "juan arroba hotmail punto com"
  { kind: 'email', placeholder: '[email]', re: /\b[\w.+-]+(?:\s+(?:dot|punto)\s+[\w-]+)*\s+(?:at|arroba)\s+[\w-]+(?:\s+(?:dot|punto)\s+[a-z]{2,})+\b/gi },
  // URLs that carry a credential or personal parameter, or a long random path segment.
  { kind: 'url_token', placeholder: '[url]', re: /\b(?:https?:\/\/|www\.)[^\s<>"')]+/gi,
    valid: (u) => /[?&#](?:[\w-]*(?:token|key|sig|signature|session|sid|auth|code|otp|pass|password|secret|email|mail|user|uid|phone|reset|invite)[\w-]*)=/i.test(u)
      || /\/(?:reset|verify|confirm|invite|unsubscribe|magic|login)[/?]/i.test(u)
      || /\/(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}/.test(u) },
  { kind: 'iban', placeholder: '[iban]', re: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}){3,9}\b/g, validPrefix: (m) => {
    for (let end = m.length; end >= 15; end--) if (/[A-Z0-9]$/.test(m.slice(0, end)) && ibanValid(m.slice(0, end))) return end;
    return 0;
  } },
  { kind: 'card', placeholder: '[card]', re: /\b\d(?:[ -]?\d){12,18}\b/g, valid: luhn },
  { kind: 'national_id', placeholder: '[id]', re: /\b\d{3}-\d{2}-\d{4}\b/g }, // US SSN
  { kind: 'national_id', placeholder: '[id]', re: /\b[XYZ]?\d{7,8}-?[A-Z]\b/gi, valid: (s) => dniValid(s.replace('-', '')) }, // Spanish DNI / NIE
  { kind: 'national_id', placeholder: '[id]', re: /\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b/g }, // Mexican CURP
  { kind: 'national_id', placeholder: '[id]', re: /\b[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}\b/g }, // Mexican RFC
  // Any number introduced as an identity document, in either language.
  { kind: 'national_id', placeholder: '[id]',
    re: /\b(?:c[ée]dula(?:\s+de\s+ciudadan[íi]a)?|C\.?C\.?|C\.?E\.?|T\.?I\.?|DNI|NIE|NIF|RUT|RUN|RFC|CURP|INE|SSN|social security(?: number)?|passport|pasaporte|documento(?: de identidad)?|identificaci[óo]n|ID(?: number| card)?|tax id|national id)(?:\s*(?:number|no\.?|nro\.?|n[úu]mero|num\.?|#|:|es|is|was|era|de|del|mi|my))*\s*:?\s*[A-Z]{0,3}[\d][\d.\- ]{4,16}[\dA-Z]\b/gi },
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
  // Phones: international (+57 300 123 4567, 0044 20 7946 0958) …
  { kind: 'phone', placeholder: '[phone]', re: /(?:\+|\b00)\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}\b/g, valid: (s) => digits(s).length >= 8 },
  // … and local formats: (415) 555-0100, 555.123.4567, 300 123 4567, 3001234567, 612-345-678, 612 34 56 78
  { kind: 'phone', placeholder: '[phone]', re: /(?<![\w$€£.,])\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b(?![.,]\d|\s*(?:COP|USD|EUR|MXN|pesos|d[óo]lares|euros|km|kg|m²))/gi },
  { kind: 'phone', placeholder: '[phone]', re: /(?<![\w$€£.,])[6-9]\d{2}(?:[\s.-]\d{3}[\s.-]\d{3}|[\s.-]\d{2}[\s.-]\d{2}[\s.-]\d{2})\b(?![.,]\d|\s*(?:COP|USD|EUR|MXN|pesos|d[óo]lares|euros))/g },
];
