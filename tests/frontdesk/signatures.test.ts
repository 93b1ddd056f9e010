// Signatures over exact bytes: every Meta fixture verifies; one flipped byte or a re-serialized
// body fails. Misy v1 round-trips, rotates, and rejects old timestamps; the SDK agrees with the hub.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyMetaSignature, signMisy, verifyMisySignature } from '../../hub/security/signatures';
import { verifyWebhook } from '../../sdk/src/verify';
import { ROOT } from '../support/process';

const FIXTURES = join(ROOT, 'tests/fixtures');
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'signatures.json'), 'utf8')) as { app_secret: string; signatures: Record<string, string> };
const cases = Object.entries(manifest.signatures).map(([file, sig]) => ({ file, sig, raw: readFileSync(join(FIXTURES, file)) }));

describe('verifyMetaSignature (X-Hub-Signature-256)', () => {
  it('has fixtures to check', () => expect(cases.length).toBeGreaterThanOrEqual(5));

  it.each(cases)('$file verifies over its exact bytes', ({ raw, sig }) => {
    expect(verifyMetaSignature(raw, sig, manifest.app_secret)).toBe(true);
  });

  it.each(cases)('$file fails with one flipped byte anywhere', ({ raw, sig }) => {
    for (const pos of [0, Math.floor(raw.length / 3), Math.floor(raw.length / 2), raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[pos] ^= 0x01;
      expect(verifyMetaSignature(copy, sig, manifest.app_secret), `byte ${pos}`).toBe(false);
    }
  });

  it.each(cases)('$file fails when re-serialized (bytes differ, JSON equal)', ({ raw, sig }) => {
    const reserialized = JSON.stringify(JSON.parse(raw.toString('utf8')));
    expect(reserialized).not.toBe(raw.toString('utf8'));
    expect(verifyMetaSignature(reserialized, sig, manifest.app_secret)).toBe(false);
  });

  it('fails with the wrong secret, a flipped signature, or a malformed header', () => {
    const { raw, sig } = cases[0];
    expect(verifyMetaSignature(raw, sig, 'another_secret')).toBe(false);
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    expect(verifyMetaSignature(raw, flipped, manifest.app_secret)).toBe(false);
    for (const bad of [undefined, null, '', 'sha1=' + sig.slice(7), sig.slice(7), 'sha256=xyz', sig + '00']) {
      expect(verifyMetaSignature(raw, bad as string, manifest.app_secret)).toBe(false);
    }
  });
});

describe('Misy v1 signature', () => {
  const secret = 'whsec_test_0123456789';
  const body = JSON.stringify({ type: 'message', id: 'm-1', text: 'héllo ✓' });
  const now = 1_800_000_000;

  it('round-trips', () => {
    const h = signMisy(secret, body, now);
    expect(h['X-Misy-Signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: h['X-Misy-Timestamp'], signature: h['X-Misy-Signature'], now: () => now * 1000 })).toEqual({ ok: true });
  });

  it('rejects a timestamp older than 5 minutes (and too far ahead)', () => {
    const h = signMisy(secret, body, now - 301);
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: h['X-Misy-Timestamp'], signature: h['X-Misy-Signature'], now: () => now * 1000 })).toEqual({ ok: false, reason: 'expired' });
    const edge = signMisy(secret, body, now - 299);
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: edge['X-Misy-Timestamp'], signature: edge['X-Misy-Signature'], now: () => now * 1000 }).ok).toBe(true);
    const future = signMisy(secret, body, now + 301);
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: future['X-Misy-Timestamp'], signature: future['X-Misy-Signature'], now: () => now * 1000 }).ok).toBe(false);
  });

  it('rejects a tampered body, a replayed signature with a new timestamp, and missing headers', () => {
    const h = signMisy(secret, body, now);
    expect(verifyMisySignature({ secret, rawBody: body + ' ', timestamp: h['X-Misy-Timestamp'], signature: h['X-Misy-Signature'], now: () => now * 1000 })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: String(now + 1), signature: h['X-Misy-Signature'], now: () => now * 1000 })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: undefined, signature: h['X-Misy-Signature'] })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: 'abc', signature: h['X-Misy-Signature'] })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts either of two signatures during secret rotation', () => {
    const oldSig = signMisy('old-secret', body, now)['X-Misy-Signature'];
    const newSig = signMisy(secret, body, now)['X-Misy-Signature'];
    expect(verifyMisySignature({ secret, rawBody: body, timestamp: String(now), signature: `${oldSig}, ${newSig}`, now: () => now * 1000 }).ok).toBe(true);
  });

  it("the SDK's verifyWebhook agrees with the hub", async () => {
    const h = signMisy(secret, body, now);
    expect(await verifyWebhook({ secret, rawBody: body, headers: h, now: () => now * 1000 })).toBe(true);
    expect(await verifyWebhook({ secret, rawBody: new TextEncoder().encode(body), headers: new Headers(h), now: () => now * 1000 })).toBe(true);
    expect(await verifyWebhook({ secret, rawBody: body + 'x', headers: h, now: () => now * 1000 })).toBe(false);
    expect(await verifyWebhook({ secret: 'wrong', rawBody: body, headers: h, now: () => now * 1000 })).toBe(false);
    expect(await verifyWebhook({ secret, rawBody: body, headers: h, now: () => (now + 400) * 1000 })).toBe(false);
  });
});
