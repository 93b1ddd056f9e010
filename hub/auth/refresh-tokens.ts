// Rotating refresh tokens. Each login starts a family; each refresh spends one token and issues
// the next. Presenting a spent token means it leaked: the whole family is revoked.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql, Tx } from '../store/database';
import { hashToken } from './api-keys';

export const REFRESH_TTL_DAYS = 30;

export async function issueRefreshToken(tx: Tx | Sql, tenantId: string, operatorId: string, familyId: string = randomUUID()) {
  const token = `mrt_${randomBytes(32).toString('base64url')}`;
  await tx`
    insert into refresh_tokens (tenant_id, operator_id, family_id, token_hash, expires_at)
    values (${tenantId}, ${operatorId}, ${familyId}, ${hashToken(token)}, now() + make_interval(days => ${REFRESH_TTL_DAYS}))`;
  return token;
}

export type RefreshOutcome =
  | { kind: 'rotated'; tenantId: string; operatorId: string; token: string }
  | { kind: 'reused'; tenantId: string; operatorId: string; familyId: string }
  | { kind: 'invalid' };

/** Runs as system: the token itself identifies the tenant. */
export async function rotateRefreshToken(sql: Sql, token: string): Promise<RefreshOutcome> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ id: string; tenant_id: string; operator_id: string; family_id: string; used_at: Date | null; revoked_at: Date | null; expired: boolean; disabled: boolean }[]>`
      select r.id, r.tenant_id, r.operator_id, r.family_id, r.used_at, r.revoked_at, r.expires_at < now() as expired,
             o.disabled_at is not null as disabled
      from refresh_tokens r join operators o on o.id = r.operator_id
      where r.token_hash = ${hashToken(token)} for update of r`;
    if (!row || row.revoked_at || row.expired || row.disabled) return { kind: 'invalid' } as const;
    if (row.used_at) {
      await tx`update refresh_tokens set revoked_at = now() where family_id = ${row.family_id} and revoked_at is null`;
      return { kind: 'reused', tenantId: row.tenant_id, operatorId: row.operator_id, familyId: row.family_id } as const;
    }
    await tx`update refresh_tokens set used_at = now() where id = ${row.id}`;
    const next = await issueRefreshToken(tx, row.tenant_id, row.operator_id, row.family_id);
    return { kind: 'rotated', tenantId: row.tenant_id, operatorId: row.operator_id, token: next } as const;
  }) as Promise<RefreshOutcome>;
}

export async function revokeRefreshFamily(sql: Sql, token: string): Promise<void> {
  await sql`
    update refresh_tokens set revoked_at = now()
    where family_id = (select family_id from refresh_tokens where token_hash = ${hashToken(token)}) and revoked_at is null`;
}
