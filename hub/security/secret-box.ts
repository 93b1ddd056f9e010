// Secrets at rest (channel tokens, app secrets, SMTP passwords, tenant LLM keys): AES-256-GCM under a
// key derived from MISY_SECRET with HKDF-SHA256, so the master secret itself never encrypts anything
// and each purpose (secrets, JWT signing, keyed hashes) gets an independent key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const SECRETS_PURPOSE = 'misy:secrets:v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'v1:';

/** A 32-byte key for one purpose (HKDF info), derived from the master secret. */
export function deriveKey(masterSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterSecret, 'utf8'), Buffer.from('misy'), Buffer.from(purpose, 'utf8'), 32));
}

export interface SecretBox {
  /** Objects are stored as JSON. Output: 'v1:' + base64url(iv | tag | ciphertext). */
  seal(plain: string | object): string;
  /** Throws on an unknown format, a truncated value, a wrong key or any tampering: those are bugs or attacks. */
  open(sealed: string): string;
  openJson<T>(sealed: string): T;
}

/**
 * `previousSecrets` (MISY_SECRET_PREVIOUS) are tried when the current key fails, so values sealed
 * before a rotation still open; sealing always uses the current secret.
 */
export function createSecretBox(masterSecret: string, previousSecrets: readonly string[] = []): SecretBox {
  const key = deriveKey(masterSecret, SECRETS_PURPOSE);
  const openKeys = [key, ...previousSecrets.map((s) => deriveKey(s, SECRETS_PURPOSE))];

  function openWith(k: Buffer, raw: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  function open(sealed: string): string {
    if (typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) throw new Error('sealed secret has an unknown format');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('sealed secret is truncated');
    for (const k of openKeys) {
      try {
        return openWith(k, raw);
      } catch {
        // wrong key or tampered: try the next key, fail below
      }
    }
    throw new Error('sealed secret failed authentication (tampered, or sealed under another master secret)');
  }

  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const text = typeof plain === 'string' ? plain : JSON.stringify(plain);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open,
    openJson: <T>(sealed: string) => JSON.parse(open(sealed)) as T,
  };
}
