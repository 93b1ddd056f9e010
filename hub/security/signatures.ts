// Webhook signatures, compared in constant time over the exact raw bytes (never a re-serialized body:
// JSON.stringify(JSON.parse(raw)) changes whitespace and escapes, and with them the MAC).
//  - Meta (WhatsApp, Messenger, Instagram): X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, body)
//  - Misy v1 (API channel, inbound email, every outbound webhook): X-Misy-Timestamp + X-Misy-Signature =
//    "v1=" + hex HMAC-SHA256(secret, "<timestamp>.<body>"), rejected outside a 5-minute window either way.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type RawBody = Uint8Array | Buffer | string;

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

function toBuffer(b: RawBody): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Only well-formed 32-byte digests reach timingSafeEqual, which demands equal lengths. */
function digestEquals(expected: Buffer, givenHex: string): boolean {
  if (!HEX_SHA256.test(givenHex)) return false;
  const given = Buffer.from(givenHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function verifyMetaSignature(rawBody: RawBody, header: string | undefined | null, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(toBuffer(rawBody)).digest();
  return digestEquals(expected, m[1]);
}

// A type alias, not an interface, so it stays assignable to Record<string, string> header maps.
export type MisySignatureHeaders = {
  'X-Misy-Timestamp': string;
  'X-Misy-Signature': string;
};

export function signMisy(secret: string, rawBody: RawBody, nowSeconds: number): MisySignatureHeaders {
  const ts = String(Math.floor(nowSeconds));
  const mac = createHmac('sha256', secret).update(`${ts}.`).update(toBuffer(rawBody)).digest('hex');
  return { 'X-Misy-Timestamp': ts, 'X-Misy-Signature': `v1=${mac}` };
}

/** Each failure is an expected outcome (HTTP 401), not an exception. */
export type MisyVerdict = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

export interface VerifyMisyInput {
  /** An unset secret (misconfigured channel) verifies nothing. */
  secret: string | undefined | null;
  rawBody: RawBody;
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  /** Clock in milliseconds; defaults to Date.now. */
  now?: () => number;
  /** Allowed clock skew in both directions; default 300 (5 minutes). */
  toleranceSeconds?: number;
}

export function verifyMisySignature(input: VerifyMisyInput): MisyVerdict {
  const { secret, timestamp, signature } = input;
  if (!timestamp || !signature || !secret) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp.trim())) return { ok: false, reason: 'malformed' };
  // Several v1= values let a sender sign with both the old and the new secret during rotation;
  // unknown schemes (v0=, v2=) are ignored so they can be introduced alongside v1.
  const candidates = signature.split(',').map((s) => s.trim()).filter((s) => s.startsWith('v1=')).map((s) => s.slice(3));
  if (!candidates.some((c) => HEX_SHA256.test(c))) return { ok: false, reason: 'malformed' };
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'expired' };
  const expected = createHmac('sha256', secret).update(`${timestamp.trim()}.`).update(toBuffer(input.rawBody)).digest();
  // Compare against every candidate (no early exit), so timing does not reveal which one matched.
  let matched = false;
  for (const c of candidates) matched = digestEquals(expected, c) || matched;
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
