// Phone numbers in national formats ("91 123 45 67", "(55) 1234-5678", "07700 900123") are found
// with libphonenumber's metadata rather than our own regexes: it knows each country's lengths and
// prefixes, so it generalizes to formats no corpus of ours listed. A number is read as a phone when
// it is valid for any of the countries our tenants mostly serve. Guards keep order numbers,
// tracking codes, dates and prices (which can have a phone's digit count) out.
import { findNumbers, type CountryCode } from 'libphonenumber-js';

/** Countries tried as the "default" for numbers written without a country code. */
export const PHONE_COUNTRIES: CountryCode[] = ['US', 'GB', 'ES', 'CO', 'MX', 'BR', 'AR', 'CL', 'PE', 'FR', 'DE'];

/** A number right after one of these labels is a reference, not a phone ("order 4155550123"). */
const REFERENCE_BEFORE = /(?:order|pedido|orden|compra|invoice|factura|ref|reference|referencia|tracking|gu[ií]a|lote|batch|case|caso|ticket|sku|code|c[oó]digo|item|art[ií]culo|model|modelo|version|versi[oó]n|#)\s*(?:number|n[uú]mero|no\.?|nro\.?|#)?\s*[:#]?\s*(?:[A-Z]{1,4}-?)?$/i;
/** Digits glued to letters or to more digit groups are part of a code ("AB-1234-CD", a 16-digit card that failed Luhn). */
const GLUED_BEFORE = /(?:[A-Za-z]-|\d[\s.-]?)$/;
const GLUED_AFTER = /^(?:-[A-Za-z0-9]|[\s.-]?\d)/;
const UNIT_AFTER = /^\s*(?:COP|USD|EUR|MXN|BRL|ARS|GBP|pesos|d[oó]lares|euros|reales|km|kg|g|ml|cm|mm|m²|units|unidades|%)\b/i;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}$|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/;
// US/Caribbean 7-digit local numbers ("555-0100"): no country's metadata accepts them without an
// area code, yet people write them. Only the dash or dot form, so "123 4567" in prose is left alone.
const SEVEN_DIGIT = /(?<![\w#$€£.,/:-])\d{3}[-.]\d{4}(?![\w.,/:-]|-\d)/g;

/** True when the number at [start, end) reads as an order number, code, price or part of a longer number. */
export function isReference(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 30), start);
  const after = text.slice(end, end + 12);
  return REFERENCE_BEFORE.test(before) || UNIT_AFTER.test(after) || GLUED_BEFORE.test(before) || GLUED_AFTER.test(after);
}

/** Character spans of the phone numbers in `text`, merged and sorted. */
export function findPhoneSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const country of PHONE_COUNTRIES) {
    for (const n of findNumbers(text, { defaultCountry: country, v2: true })) {
      const raw = text.slice(n.startsAt, n.endsAt);
      if (raw.replace(/\D/g, '').length < 7 || DATE_LIKE.test(raw) || isReference(text, n.startsAt, n.endsAt)) continue;
      spans.push([n.startsAt, n.endsAt]);
    }
  }
  for (const m of text.matchAll(SEVEN_DIGIT)) {
    if (!isReference(text, m.index, m.index + m[0].length)) spans.push([m.index, m.index + m[0].length]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  return merged;
}

/** Replaces every phone number with `placeholder`; returns the text and how many were replaced. */
export function redactPhones(text: string, placeholder = '[phone]'): { text: string; count: number } {
  const spans = findPhoneSpans(text);
  let out = text;
  for (const [start, end] of [...spans].reverse()) out = out.slice(0, start) + placeholder + out.slice(end);
  return { text: out, count: spans.length };
}
