// Tenants and their first operator and API key, created together.
import type { Sql, Tx } from '../store/database';
import { withTenant } from '../store/tenant';
import { hashPassword } from '../auth/passwords';
import { createApiKey, API_SCOPES } from '../auth/api-keys';
import { AppError } from '../http/errors';
import { appendAudit } from '../security/audit';

export interface TenantRow { id: string; name: string; slug: string; plan: 'free' | 'premium' | 'enterprise'; settings: TenantSettings; created_at: Date }
export interface TenantSettings {
  retentionDays?: number | null;
  globalStore?: { contribute: boolean; consult: boolean };
  /** apiKey is sealed with the secret box. */
  llm?: { apiKey?: string; baseUrl?: string; model?: string } | null;
}

export function toTenant(r: TenantRow) {
  const { llm, ...settings } = r.settings;
  const shown = llm ? { llm: { baseUrl: llm.baseUrl ?? null, model: llm.model ?? null, hasApiKey: !!llm.apiKey } } : {};
  return { id: r.id, name: r.name, slug: r.slug, plan: r.plan, settings: { ...settings, ...shown }, createdAt: r.created_at.toISOString() };
}

/**
 * The tenant, its owner and its first API key in ONE transaction: a failure half-way must not leave
 * a tenant without an owner whose slug is then taken forever.
 */
export async function createTenant(
  sql: Sql,
  input: { name: string; slug: string; plan?: TenantRow['plan']; operator: { email: string; password: string; name?: string } },
) {
  const passwordHash = await hashPassword(input.operator.password);
  return sql.begin(async (tx) => {
    // The tenant row is created by the system; everything inside it under the tenant's own RLS scope.
    const [tenant] = await tx<TenantRow[]>`
      insert into tenants (name, slug, plan) values (${input.name}, ${input.slug}, ${input.plan ?? 'free'})
      on conflict (slug) do nothing returning *`;
    if (!tenant) throw new AppError('conflict', `a tenant with slug '${input.slug}' already exists`);
    // What withTenant does, inside this same transaction; tenant.id is a uuid Postgres just generated.
    await tx.unsafe(`set local misy.tenant_id = '${tenant.id}'; set local role misy_app`);
    const [operator] = await tx<{ id: string; email: string; name: string | null; role: string }[]>`
      insert into operators (tenant_id, email, name, role, password_hash)
      values (${tenant.id}, ${input.operator.email.toLowerCase()}, ${input.operator.name ?? null}, 'owner', ${passwordHash})
      returning id, email, name, role`;
    const { key, row } = await createApiKey(tx, tenant.id, 'default', API_SCOPES);
    await appendAudit(tx, { tenantId: tenant.id, actorType: 'platform', action: 'tenant.created', targetType: 'tenant', targetId: tenant.id });
    await appendAudit(tx, { tenantId: tenant.id, actorType: 'platform', action: 'api_key.created', targetType: 'api_key', targetId: row.id });
    return { tenant: toTenant(tenant), apiKey: key, apiKeyId: row.id as string, operator };
  }) as Promise<CreatedTenant>;
}

export interface CreatedTenant { tenant: ReturnType<typeof toTenant>; apiKey: string; apiKeyId: string; operator: { id: string; email: string; name: string | null; role: string } }

export async function getTenant(tx: Tx, id: string): Promise<TenantRow> {
  const [row] = await tx<TenantRow[]>`select * from tenants where id = ${id}`;
  if (!row) throw new AppError('not_found', 'tenant not found');
  return row;
}

export async function updateTenantSettings(tx: Tx, id: string, patch: TenantSettings & { name?: string }): Promise<TenantRow> {
  const cur = await getTenant(tx, id);
  const { name, ...settings } = patch;
  const [row] = await tx<TenantRow[]>`
    update tenants set name = ${name ?? cur.name}, settings = ${tx.json({ ...cur.settings, ...settings } as never)}
    where id = ${id} returning *`;
  return row;
}

/** A PATCH of the tenant's model endpoint: each field set, kept (absent) or cleared (null); null as a whole clears all. */
export type TenantLLMPatch = { apiKey?: string | null; baseUrl?: string | null; model?: string | null } | null;

/**
 * Merges a PATCH into the stored LLM settings field by field, so `{llm: {model}}` does not drop the
 * sealed key or the baseUrl. The key arrives in clear and is sealed here; it is never read back.
 */
export function mergeTenantLLM(cur: TenantSettings['llm'], patch: TenantLLMPatch, seal: (plain: string) => string): TenantSettings['llm'] {
  if (patch === null) return null;
  const next: NonNullable<TenantSettings['llm']> = { ...(cur ?? {}) };
  for (const field of ['baseUrl', 'model'] as const) {
    const v = patch[field];
    if (v === null) delete next[field];
    else if (v !== undefined) next[field] = v;
  }
  if (patch.apiKey === null) delete next.apiKey;
  else if (patch.apiKey !== undefined) next.apiKey = seal(patch.apiKey);
  return Object.keys(next).length ? next : null;
}
