// Verifies Misy's webhook signature in any runtime with WebCrypto (browsers, Node 20+, Deno, workers):
//   X-Misy-Timestamp: <unix seconds>
//   X-Misy-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>[,v1=<...>]
// Several v1= values appear while the sender rotates its secret; any one matching is enough.
// Pass the raw body exactly as received: a re-serialized JSON body will not verify.

export interface VerifyWebhookInput {
  secret: string;
  rawBody: string | Uint8Array;
  headers: Record<string, string | undefined> | Headers;
  /** Allowed clock skew in both directions; default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
}

function readHeader(headers: VerifyWebhookInput['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  // Node lower-cases incoming header names; hand-built objects may not.
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Looks at every byte whatever the first difference, so timing reveals nothing about the digest. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function hmacSha256(secret: string, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('verifyWebhook needs WebCrypto (globalThis.crypto.subtle): use Node 20+ or a modern browser');
  const key = await subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', key, message));
}

/** Resolves true only for a fresh, correctly signed body; false for anything missing, stale or forged. */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<boolean> {
  const timestamp = readHeader(input.headers, 'x-misy-timestamp')?.trim();
  const signature = readHeader(input.headers, 'x-misy-signature');
  if (!input.secret || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const candidates = signature.split(',').map((s) => s.trim()).filter((s) => s.startsWith('v1=')).map((s) => hexToBytes(s.slice(3)));
  if (!candidates.some((c) => c !== null)) return false;

  const encoder = new TextEncoder();
  const body = typeof input.rawBody === 'string' ? encoder.encode(input.rawBody) : input.rawBody;
  const prefix = encoder.encode(`${timestamp}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  const expected = await hmacSha256(input.secret, message);

  let matched = false;
  for (const c of candidates) matched = (c !== null && constantTimeEqual(c, expected)) || matched;
  return matched;
}
