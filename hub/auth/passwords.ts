// scrypt from node:crypto: memory-hard, no native addon to build.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384, r = 8, p = 1, KEYLEN = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const key = await scryptAsync(password, Buffer.from(parts[4], 'base64url'));
  const expected = Buffer.from(parts[5], 'base64url');
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** Burns the same time as a real check, so unknown accounts are not told apart by latency. */
export async function dummyPasswordCheck(): Promise<void> {
  await scryptAsync('x', Buffer.alloc(16));
}
