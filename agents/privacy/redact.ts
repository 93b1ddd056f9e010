// TEMPORARY minimal shim so the hub runs while the full redaction module is written (same API).
export type PiiKind = 'email' | 'phone' | 'card' | 'iban' | 'national_id' | 'address' | 'url_token' | 'name' | 'ip';
export interface RedactOptions { names?: string[] }
export interface Redaction { text: string; found: Array<{ kind: PiiKind; count: number }>; meaningful: boolean }
export function redact(text: string, opts: RedactOptions = {}): Redaction {
  let out = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]');
  for (const n of opts.names ?? []) for (const part of n.split(/\s+/).filter((p) => p.length > 1)) out = out.replace(new RegExp(part, 'gi'), '[name]');
  return { text: out, found: [], meaningful: out.split(/\W+/).filter((w) => w.length > 2).length >= 3 };
}
