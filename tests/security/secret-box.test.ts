// Secrets at rest: AES-256-GCM under an HKDF-derived key; any tampering or another master secret throws.
import { describe, expect, it } from 'vitest';
import { hkdfSync } from 'node:crypto';
import { createSecretBox, deriveKey } from '../../hub/security/secret-box';

const master = 'master-secret-for-tests-0123456789abcdef';

describe('createSecretBox', () => {
  it('round-trips strings and objects', () => {
    const box = createSecretBox(master);
    const sealed = box.seal('EAAG-page-token-😀');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain('EAAG');
    expect(box.open(sealed)).toBe('EAAG-page-token-😀');
    const obj = { appSecret: 'a', accessToken: 'b', nested: { n: 1 } };
    expect(box.openJson<typeof obj>(box.seal(obj))).toEqual(obj);
    expect(box.open(box.seal(''))).toBe('');
  });

  it('uses a fresh 12-byte IV each time and lays out iv | tag | ciphertext', () => {
    const box = createSecretBox(master);
    const a = box.seal('same');
    const b = box.seal('same');
    expect(a).not.toBe(b);
    const raw = Buffer.from(a.slice(3), 'base64url');
    expect(raw.length).toBe(12 + 16 + Buffer.byteLength('same'));
    expect(raw.subarray(0, 12).equals(Buffer.from(b.slice(3), 'base64url').subarray(0, 12))).toBe(false);
  });

  it('throws when any byte is tampered with (iv, tag or ciphertext)', () => {
    const box = createSecretBox(master);
    const sealed = box.seal('a secret worth protecting');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (let pos = 0; pos < raw.length; pos++) {
      const copy = Buffer.from(raw);
      copy[pos] ^= 0x01;
      expect(() => box.open('v1:' + copy.toString('base64url')), `byte ${pos}`).toThrow();
    }
  });

  it('throws on a truncated, unprefixed or foreign value', () => {
    const box = createSecretBox(master);
    const sealed = box.seal('x');
    expect(() => box.open(sealed.slice(0, 20))).toThrow();
    expect(() => box.open(sealed.slice(3))).toThrow(/unknown format/);
    expect(() => box.open('v2:' + sealed.slice(3))).toThrow(/unknown format/);
    expect(() => createSecretBox(master + '!').open(sealed)).toThrow();
  });

  it('opens values sealed under a previous master secret, and seals under the current one', () => {
    const oldBox = createSecretBox('the-old-master-secret-0123456789abcdef');
    const sealedBefore = oldBox.seal('still readable');
    const rotated = createSecretBox(master, ['the-old-master-secret-0123456789abcdef']);
    expect(rotated.open(sealedBefore)).toBe('still readable');
    expect(() => oldBox.open(rotated.seal('new'))).toThrow();
    expect(createSecretBox(master).open(rotated.seal('new'))).toBe('new');
  });
});

describe('deriveKey', () => {
  it('is deterministic, 32 bytes, and independent per purpose and master secret', () => {
    const a = deriveKey(master, 'misy:jwt:v1');
    expect(a.length).toBe(32);
    expect(deriveKey(master, 'misy:jwt:v1').equals(a)).toBe(true);
    expect(deriveKey(master, 'misy:secrets:v1').equals(a)).toBe(false);
    expect(deriveKey(master + 'x', 'misy:jwt:v1').equals(a)).toBe(false);
  });

  it('is HKDF-SHA256 with the purpose as info', () => {
    const expected = Buffer.from(hkdfSync('sha256', Buffer.from(master), Buffer.from('misy'), Buffer.from('misy:secrets:v1'), 32));
    expect(deriveKey(master, 'misy:secrets:v1').equals(expected)).toBe(true);
  });
});
