// Redaction before anything enters the global store: a corpus of over 200 lines of personal data in
// many formats (English and Spanish) must leak nothing, and ordinary customer-service text with
// prices, dates, order numbers and store URLs must come out unchanged.
import { describe, expect, it } from 'vitest';
import { redact } from '../../agents/privacy/redact';
import { luhn, ibanValid } from '../../agents/privacy/patterns';
import { PII_CORPUS, CLEAN_CORPUS, type PiiLine } from './fixtures/pii';
import { HELDOUT_PII, HELDOUT_CLEAN } from './fixtures/pii-heldout';
import { fold } from '../../agents/text';

const digitsOf = (s: string) => s.replace(/\D/g, '');

const leaksOf = (corpus: PiiLine[]) => {
  const leaks: string[] = [];
  for (const line of corpus) {
    const out = redact(line.text, { names: line.names });
    for (const pii of line.pii) {
      const d = digitsOf(pii);
      const leakedText = fold(out.text).includes(fold(pii));
      // Numbers must not survive in any spacing either: "4111111111111111" is the same card.
      const leakedDigits = d.length >= 6 && digitsOf(out.text).includes(d);
      if (leakedText || leakedDigits) leaks.push(`${pii}  ←  ${out.text}`);
    }
  }
  return leaks;
};
const changedOf = (corpus: string[]) => corpus.map((t) => [t, redact(t).text]).filter(([a, b]) => a !== b);

describe('redaction', () => {
  it(`leaks nothing from a ${PII_CORPUS.length}-line PII corpus`, () => {
    expect(PII_CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(leaksOf(PII_CORPUS)).toEqual([]);
  });

  it(`keeps ${CLEAN_CORPUS.length} lines of ordinary text unchanged`, () => {
    expect(CLEAN_CORPUS.length).toBeGreaterThanOrEqual(80);
    expect(changedOf(CLEAN_CORPUS)).toEqual([]);
  });

  // The held-out corpus was written apart from the patterns: it is the check that they generalize.
  it(`leaks nothing from the ${HELDOUT_PII.length}-line held-out PII corpus`, () => {
    expect(HELDOUT_PII.length + HELDOUT_CLEAN.length).toBeGreaterThanOrEqual(100);
    expect(leaksOf(HELDOUT_PII)).toEqual([]);
  });

  it(`keeps the ${HELDOUT_CLEAN.length} held-out lines of ordinary text unchanged`, () => {
    expect(changedOf(HELDOUT_CLEAN)).toEqual([]);
  });

  it('validates card numbers with Luhn and IBANs with mod-97', () => {
    expect(luhn('4111 1111 1111 1111')).toBe(true);
    expect(luhn('4111 1111 1111 1112')).toBe(false);
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(redact('order 4111 1111 1111 1112 arrived').text).toBe('order 4111 1111 1111 1112 arrived');
  });

  it('removes the names it is given, in any case or accent, and reports what it found', () => {
    const out = redact('Hola LUCIA, soy Pedro; Lucía Fernández te escribió a lucia@mail.com', { names: ['Lucía Fernández', 'Pedro Gil'] });
    expect(out.text).toBe('Hola [name], soy [name]; [name] te escribió a [email]');
    expect(out.found).toEqual(expect.arrayContaining([{ kind: 'name', count: 3 }, { kind: 'email', count: 1 }]));
  });

  it('flags what redaction leaves meaningless', () => {
    expect(redact('ana@mail.com 300 123 4567').meaningful).toBe(false);
    expect(redact('How long does shipping to Canada take?').meaningful).toBe(true);
  });
});

describe('redaction, property-based', () => {
  const fcImport = import('fast-check');
  const withLuhn = (body: string) => {
    for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d;
    throw new Error('unreachable');
  };
  const withIbanCheck = (country: string, bban: string) => {
    for (let c = 2; c <= 98; c++) { const iban = `${country}${String(c).padStart(2, '0')}${bban}`; if (ibanValid(iban)) return iban; }
    throw new Error('unreachable');
  };
  const sep = (digits: string, s: string, size: number) => digits.match(new RegExp(`.{1,${size}}`, 'g'))!.join(s);

  it('any Luhn-valid card, in any grouping, inside any sentence', async () => {
    const fc = (await fcImport).default;
    fc.assert(fc.property(fc.stringMatching(/^[3-6]\d{14}$/), fc.constantFrom(' ', '-', ''), fc.constantFrom('paid with {v} yesterday', 'tarjeta {v}.', '{v}'), (body, s, tpl) => {
      const card = withLuhn(body);
      const out = redact(tpl.replace('{v}', sep(card, s, 4))).text;
      expect(out.replace(/\D/g, '')).not.toContain(card);
    }), { numRuns: 300 });
  });

  it('any e-mail address and any international phone number', async () => {
    const fc = (await fcImport).default;
    fc.assert(fc.property(fc.emailAddress(), fc.integer({ min: 1, max: 998 }), fc.stringMatching(/^\d{9,10}$/), (email, cc, national) => {
      const phone = `+${cc} ${sep(national, ' ', 3)}`;
      const out = redact(`write to ${email} or call ${phone} today`).text;
      expect(out).not.toContain(email);
      expect(out.replace(/\D/g, '')).not.toContain(national);
    }), { numRuns: 300 });
  });

  it('any valid IBAN, grouped or not', async () => {
    const fc = (await fcImport).default;
    fc.assert(fc.property(fc.constantFrom('ES', 'DE', 'FR', 'GB', 'NL', 'IT', 'PT'), fc.stringMatching(/^[0-9A-Z]{16,22}$/), fc.boolean(), (country, bban, grouped) => {
      const iban = withIbanCheck(country, bban.replace(/^[A-Z]/, '1'));
      const out = redact(`refund to ${grouped ? sep(iban, ' ', 4) : iban} thanks`).text;
      expect(out.replace(/\s/g, '')).not.toContain(iban);
    }), { numRuns: 300 });
  });
});
