// The SDK's WebCrypto verifier agrees with the hub's signer, over strings, bytes and both header shapes.
import { describe, expect, it } from 'vitest';
import { signMisy } from '../../hub/security/signatures';
import { verifyWebhook } from '../../sdk/src/verify';

const secret = 'whsec_sdk_test_0123456789';
const body = '{"event":"message.created","data":{"id":"m_1","text":"ça va? 👍"}}';
const t0 = 1_800_000_000;
const now = (s: number) => () => s * 1000;

describe('verifyWebhook (sdk)', () => {
  it('accepts what signMisy produced, as a plain object or a Headers instance', async () => {
    const h = signMisy(secret, body, t0);
    expect(await verifyWebhook({ secret, rawBody: body, headers: h, now: now(t0) })).toBe(true);
    expect(await verifyWebhook({ secret, rawBody: new TextEncoder().encode(body), headers: new Headers(h), now: now(t0 + 10) })).toBe(true);
    // Node lower-cases header names.
    const lower = { 'x-misy-timestamp': h['X-Misy-Timestamp'], 'x-misy-signature': h['X-Misy-Signature'] };
    expect(await verifyWebhook({ secret, rawBody: body, headers: lower, now: now(t0) })).toBe(true);
  });

  it('agrees with the hub over many bodies and secrets', async () => {
    for (let i = 0; i < 50; i++) {
      const s = `secret-${i}-${'k'.repeat(i)}`;
      const b = JSON.stringify({ i, pad: 'x'.repeat(i * 7), nested: { n: i / 3 } });
      const h = signMisy(s, b, t0 + i);
      expect(await verifyWebhook({ secret: s, rawBody: b, headers: h, now: now(t0 + i) })).toBe(true);
      expect(await verifyWebhook({ secret: s, rawBody: b + ' ', headers: h, now: now(t0 + i) })).toBe(false);
    }
  });

  it('rejects tampering, the wrong secret, stale or future timestamps and missing headers', async () => {
    const h = signMisy(secret, body, t0);
    const bytes = new TextEncoder().encode(body);
    bytes[10] ^= 1;
    expect(await verifyWebhook({ secret, rawBody: bytes, headers: h, now: now(t0) })).toBe(false);
    expect(await verifyWebhook({ secret: secret + 'x', rawBody: body, headers: h, now: now(t0) })).toBe(false);
    expect(await verifyWebhook({ secret, rawBody: body, headers: h, now: now(t0 + 301) })).toBe(false);
    expect(await verifyWebhook({ secret, rawBody: body, headers: h, now: now(t0 - 301) })).toBe(false);
    expect(await verifyWebhook({ secret, rawBody: body, headers: h, now: now(t0 + 301), toleranceSeconds: 600 })).toBe(true);
    expect(await verifyWebhook({ secret, rawBody: body, headers: { 'X-Misy-Signature': h['X-Misy-Signature'] }, now: now(t0) })).toBe(false);
    expect(await verifyWebhook({ secret, rawBody: body, headers: { 'X-Misy-Timestamp': h['X-Misy-Timestamp'] }, now: now(t0) })).toBe(false);
    expect(await verifyWebhook({ secret: '', rawBody: body, headers: h, now: now(t0) })).toBe(false);
  });

  it('accepts a rotated pair of signatures, like the hub', async () => {
    const sig = `${signMisy('previous-secret', body, t0)['X-Misy-Signature']},${signMisy(secret, body, t0)['X-Misy-Signature']}`;
    const headers = { 'X-Misy-Timestamp': String(t0), 'X-Misy-Signature': sig };
    expect(await verifyWebhook({ secret, rawBody: body, headers, now: now(t0) })).toBe(true);
    expect(await verifyWebhook({ secret: 'previous-secret', rawBody: body, headers, now: now(t0) })).toBe(true);
    expect(await verifyWebhook({ secret: 'third-secret', rawBody: body, headers, now: now(t0) })).toBe(false);
  });
});
