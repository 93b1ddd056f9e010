// Tenant API keys: `msk_` + 32 random bytes, shown once, stored as a SHA-256 hash
// (the key has 256 bits of entropy, so a slow hash adds nothing).
import { randomBytes, createHash } from 'node:crypto';
import type { Sql, Tx } from '../store/database';

export const API_SCOPES = ['conversations', 'contacts', 'channels', 'agents', 'knowledge', 'webhooks', 'audit', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `msk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashToken(key) };
}

export async function createApiKey(tx: Tx, tenantId: string, name: string, scopes: readonly string[]) {
  const { key, prefix, hash } = generateApiKey();
  const [row] = await tx`
    insert into api_keys (tenant_id, name, prefix, key_hash, scopes)
    values (${tenantId}, ${name}, ${prefix}, ${hash}, ${scopes as string[]})
    returning id, name, prefix, scopes, created_at`;
  return { key, row };
}

/** Cross-tenant by nature: the key is what tells us the tenant. */
export async function findApiKey(sql: Sql, key: string) {
  if (!/^msk_[A-Za-z0-9_-]{43}$/.test(key)) return null;
  const [row] = await sql<{ id: string; tenant_id: string; scopes: string[]; revoked_at: Date | null; plan: string }[]>`
    select k.id, k.tenant_id, k.scopes, k.revoked_at, t.plan from api_keys k join tenants t on t.id = k.tenant_id
    where k.key_hash = ${hashToken(key)}`;
  if (!row || row.revoked_at) return null;
  // last_used_at is advisory: update at most once a minute to keep the hot path cheap.
  await sql`update api_keys set last_used_at = now() where id = ${row.id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`;
  return row;
}
