// Webhook signatures over exact bytes. Meta: every recorded fixture verifies, and any change to the
// bytes (one flipped byte, a re-serialization), the wrong secret or a bad header fails.
// Misy v1: round-trips, rotates, and rejects stale, future and tampered requests.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { signMisy, verifyMetaSignature, verifyMisySignature } from '../../hub/security/signatures';
import { ROOT } from '../support/process';

const FIXTURES = resolve(ROOT, 'tests/fixtures');
const manifest = JSON.parse(readFileSync(resolve(FIXTURES, 'signatures.json'), 'utf8')) as {
  app_secret: string;
  signatures: Record<string, string>;
};
const fixtures = Object.entries(manifest.signatures).map(([file, header]) => ({ file, header, raw: readFileSync(resolve(FIXTURES, file)) }));
const secret = manifest.app_secret;

describe('verifyMetaSignature', () => {
  it('has the recorded fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(5));

  it.each(fixtures)('$file verifies over its raw bytes (Buffer, Uint8Array and string)', ({ raw, header }) => {
    expect(verifyMetaSignature(raw, header, secret)).toBe(true);
    expect(verifyMetaSignature(new Uint8Array(raw), header, secret)).toBe(true);
    expect(verifyMetaSignature(raw.toString('utf8'), header, secret)).toBe(true);
  });

  it.each(fixtures)('$file fails with one flipped byte at any of several positions', ({ raw, header }) => {
    const positions = [0, 1, Math.floor(raw.length / 4), Math.floor(raw.length / 2), Math.floor((raw.length * 3) / 4), raw.length - 1];
    for (const pos of positions) {
      const copy = Buffer.from(raw);
      copy[pos] ^= 0x20;
      expect(verifyMetaSignature(copy, header, secret), `flipped byte ${pos}`).toBe(false);
    }
  });

  it.each(fixtures)('$file fails once re-serialized (same JSON, other bytes)', ({ raw, header }) => {
    const reserialized = JSON.stringify(JSON.parse(raw.toString('utf8')));
    expect(reserialized).not.toBe(raw.toString('utf8'));
    expect(verifyMetaSignature(reserialized, header, secret)).toBe(false);
  });

  it.each(fixtures)('$file fails under the wrong secret', ({ raw, header }) => {
    expect(verifyMetaSignature(raw, header, secret + 'x')).toBe(false);
    expect(verifyMetaSignature(raw, header, '')).toBe(false);
  });

  it('fails for a missing or malformed header', () => {
    const { raw, header } = fixtures[0];
    const hex = header.slice('sha256='.length);
    for (const bad of [undefined, null, '', 'sha256=', hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`, `sha256=${'z'.repeat(64)}`, `sha256=${hex},sha256=${hex}`]) {
      expect(verifyMetaSignature(raw, bad, secret), String(bad)).toBe(false);
    }
  });

  it('accepts upper-case hex (the digest, not its spelling, is compared)', () => {
    const { raw, header } = fixtures[0];
    expect(verifyMetaSignature(raw, 'sha256=' + header.slice(7).toUpperCase(), secret)).toBe(true);
  });
});

describe('Misy v1 signatures', () => {
  const key = 'whsec_test_0123456789abcdef';
  const body = '{"type":"message","id":"ext-1","text":"héllo"}';
  const t0 = 1_800_000_000;
  const at = (seconds: number) => () => seconds * 1000;
  const verify = (headers: { 'X-Misy-Timestamp'?: string; 'X-Misy-Signature'?: string }, extra: Partial<Parameters<typeof verifyMisySignature>[0]> = {}) =>
    verifyMisySignature({ secret: key, rawBody: body, timestamp: headers['X-Misy-Timestamp'], signature: headers['X-Misy-Signature'], now: at(t0), ...extra });

  it('round-trips, over a string or the same bytes', () => {
    const h = signMisy(key, body, t0);
    expect(h['X-Misy-Timestamp']).toBe(String(t0));
    expect(h['X-Misy-Signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verify(h)).toEqual({ ok: true });
    expect(verify(h, { rawBody: Buffer.from(body, 'utf8') })).toEqual({ ok: true });
  });

  it('accepts up to 5 minutes of skew either way and rejects beyond', () => {
    const h = signMisy(key, body, t0);
    expect(verify(h, { now: at(t0 + 300) })).toEqual({ ok: true });
    expect(verify(h, { now: at(t0 - 300) })).toEqual({ ok: true });
    expect(verify(h, { now: at(t0 + 301) })).toEqual({ ok: false, reason: 'expired' });
    expect(verify(h, { now: at(t0 - 301) })).toEqual({ ok: false, reason: 'expired' });
    expect(verify(h, { now: at(t0 + 60), toleranceSeconds: 30 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a tampered body, a wrong secret and a replayed signature under a new timestamp', () => {
    const h = signMisy(key, body, t0);
    expect(verify(h, { rawBody: body.replace('ext-1', 'ext-2') })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(h, { rawBody: body + ' ' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(h, { secret: key + 'x' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ ...h, 'X-Misy-Timestamp': String(t0 + 1) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts any one of several v1= values (secret rotation)', () => {
    const oldSig = signMisy('old-secret-abcdef', body, t0)['X-Misy-Signature'];
    const newSig = signMisy(key, body, t0)['X-Misy-Signature'];
    expect(verify({ 'X-Misy-Timestamp': String(t0), 'X-Misy-Signature': `${oldSig},${newSig}` })).toEqual({ ok: true });
    expect(verify({ 'X-Misy-Timestamp': String(t0), 'X-Misy-Signature': `${newSig}, ${oldSig}` })).toEqual({ ok: true });
    expect(verify({ 'X-Misy-Timestamp': String(t0), 'X-Misy-Signature': `v0=abc,${newSig}` })).toEqual({ ok: true });
    expect(verify({ 'X-Misy-Timestamp': String(t0), 'X-Misy-Signature': oldSig })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('names missing and malformed input', () => {
    const h = signMisy(key, body, t0);
    expect(verify({ 'X-Misy-Signature': h['X-Misy-Signature'] })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ 'X-Misy-Timestamp': h['X-Misy-Timestamp'] })).toEqual({ ok: false, reason: 'missing' });
    expect(verify(h, { secret: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ ...h, 'X-Misy-Timestamp': 'yesterday' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...h, 'X-Misy-Timestamp': '-1' })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...h, 'X-Misy-Signature': h['X-Misy-Signature'].slice(3) })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...h, 'X-Misy-Signature': 'v1=' + 'g'.repeat(64) })).toEqual({ ok: false, reason: 'malformed' });
    expect(verify({ ...h, 'X-Misy-Signature': h['X-Misy-Signature'].slice(0, -2) })).toEqual({ ok: false, reason: 'malformed' });
  });
});
