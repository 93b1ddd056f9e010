// Removes personal data before anything leaves a tenant (the anonymized global store): e-mails,
// phone numbers, payment cards (Luhn-checked), IBANs (mod-97), national IDs, street addresses,
// URLs carrying tokens or personal parameters, IP addresses, and the names of the people in the
// conversation. What redaction leaves meaningless is flagged so the caller drops it.
import { fold, contentTerms } from '../text';
import { PATTERNS, type PiiKind } from './patterns';
import { redactPhones, isReference } from './phones';
import { introducedNames } from './names';

export type { PiiKind } from './patterns';
export interface RedactOptions {
  names?: string[];
  /** Only these kinds (default: all). Contact memory keeps e-mails and phones the user gave on purpose, but never cards or IBANs. */
  kinds?: PiiKind[];
}
export interface Redaction { text: string; found: Array<{ kind: PiiKind; count: number }>; meaningful: boolean }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Matches a word regardless of accents: "Lucia" finds "Lucía". */
const accentInsensitive = (w: string) => [...fold(w)].map((ch) => {
  const map: Record<string, string> = { a: '[aáàäâ]', e: '[eéèëê]', i: '[iíìïî]', o: '[oóòöô]', u: '[uúùüû]', n: '[nñ]', c: '[cç]' };
  return map[ch] ?? escape(ch);
}).join('');

function namePatterns(names: string[]): RegExp[] {
  const parts = new Set<string>();
  for (const n of names) {
    const clean = n.trim();
    if (clean.length < 2) continue;
    parts.add(clean);
    // First or last name alone also identifies the person.
    for (const p of clean.split(/\s+/)) if (p.replace(/\W/g, '').length >= 3) parts.add(p);
  }
  // Longest first, so "Ana Gómez" becomes one [name], not "[name] [name]".
  return [...parts].sort((a, b) => b.length - a.length).map((p) => new RegExp(`(?<![\\p{L}\\p{N}])${p.split(/\s+/).map(accentInsensitive).join('\\s+')}(?![\\p{L}\\p{N}])`, 'giu'));
}

export function redact(text: string, opts: RedactOptions = {}): Redaction {
  const counts = new Map<PiiKind, number>();
  const bump = (k: PiiKind) => counts.set(k, (counts.get(k) ?? 0) + 1);
  // Names the writer introduced are found before anything is replaced, while the phrase is intact.
  const wants = (k: PiiKind) => !opts.kinds || opts.kinds.includes(k);
  const names = wants('name') ? [...(opts.names ?? []), ...introducedNames(text)] : [];
  let out = text;
  for (const p of PATTERNS.filter((x) => wants(x.kind))) {
    out = out.replace(p.re, (m: string, ...rest: unknown[]) => {
      const at = rest.find((x): x is number => typeof x === 'number')!;
      // "+" is unambiguous; "0044…" could be an invoice number ("Factura 001-002-…").
      if (p.kind === 'phone' && !m.startsWith('+') && isReference(out, at, at + m.length)) return m;
      if (p.validPrefix) {
        const n = p.validPrefix(m);
        if (!n) return m;
        bump(p.kind);
        return p.placeholder + m.slice(n);
      }
      if (p.valid && !p.valid(m)) return m;
      bump(p.kind);
      return p.placeholder;
    });
  }
  if (wants('phone')) {
    const phones = redactPhones(out);
    out = phones.text;
    for (let i = 0; i < phones.count; i++) bump('phone');
  }
  for (const re of namePatterns(names)) out = out.replace(re, () => { bump('name'); return '[name]'; });
  const words = contentTerms(out.replace(/\[(?:email|phone|card|iban|id|address|url|name|ip)\]/g, ' '));
  return { text: out, found: [...counts].map(([kind, count]) => ({ kind, count })), meaningful: words.length >= 3 };
}
