import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, type Env } from '../principal';
import { route, IdParam } from '../route';
import { withTenant } from '../../store/tenant';
import type { Tx } from '../../store/database';
import { hashPassword } from '../../auth/passwords';
import { appendAudit } from '../../security/audit';
import { AppError, notFound } from '../errors';
import { createApiKey, API_SCOPES } from '../../auth/api-keys';

const Operator = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.string(), disabled: z.boolean(), createdAt: z.string() }).openapi('Operator');
type OpRow = { id: string; email: string; name: string | null; role: string; disabled_at: Date | null; created_at: Date };
const toOperator = (r: OpRow) => ({ id: r.id, email: r.email, name: r.name, role: r.role, disabled: r.disabled_at !== null, createdAt: r.created_at.toISOString() });

const ApiKey = z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(z.string()), lastUsedAt: z.string().nullable(), revoked: z.boolean(), createdAt: z.string() }).openapi('ApiKey');
type KeyRow = { id: string; name: string; prefix: string; scopes: string[]; last_used_at: Date | null; revoked_at: Date | null; created_at: Date };
const toKey = (r: KeyRow) => ({ id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes, lastUsedAt: r.last_used_at?.toISOString() ?? null, revoked: r.revoked_at !== null, createdAt: r.created_at.toISOString() });

/**
 * A tenant must keep one active owner: only an owner can manage owners, so without one nobody could.
 * The owners' rows are locked, so two owners disabling each other at once cannot both succeed.
 */
async function assertAnotherActiveOwner(tx: Tx, leaving: string): Promise<void> {
  const owners = await tx<{ id: string }[]>`select id from operators where role = 'owner' and disabled_at is null order by id for update`;
  if (!owners.some((o) => o.id !== leaving)) throw new AppError('conflict', 'this is the last active owner; make another operator owner first');
}

export function operatorRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/operators', tags: ['Operators'], summary: 'List operators', response: z.object({ data: z.array(Operator) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'admin' });
    const rows = await withTenant(ctx.sql, p.tenantId, (tx) => tx<OpRow[]>`select * from operators order by created_at`);
    return c.json({ data: rows.map(toOperator) }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/operators', tags: ['Operators'], summary: 'Invite an operator', status: 201, response: Operator,
    body: z.object({ email: z.string().email().max(320), name: z.string().max(120).optional(), role: z.enum(['owner', 'admin', 'agent']).default('agent'), password: z.string().min(10).max(200) }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const b = c.req.valid('json');
    if (b.role === 'owner' && p.kind === 'operator' && p.role !== 'owner') throw new AppError('forbidden', 'only an owner can add an owner');
    const hash = await hashPassword(b.password);
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      // The unique (tenant_id, email) index decides, so two concurrent invites cannot both pass a check.
      const [r] = await tx<OpRow[]>`insert into operators (tenant_id, email, name, role, password_hash)
        values (${p.tenantId}, ${b.email.toLowerCase()}, ${b.name ?? null}, ${b.role}, ${hash})
        on conflict (tenant_id, email) do nothing returning *`;
      if (!r) throw new AppError('conflict', 'an operator with this email exists');
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'operator.invited', targetType: 'operator', targetId: r.id, data: { role: b.role } });
      return r;
    });
    return c.json(toOperator(row), 201);
  });

  app.openapi(route({ method: 'patch', path: '/v1/operators/{id}', tags: ['Operators'], summary: 'Change role, disable or enable', params: IdParam, response: Operator,
    body: z.object({ role: z.enum(['owner', 'admin', 'agent']).optional(), disabled: z.boolean().optional(), name: z.string().max(120).optional() }).strict() }),
  async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const [cur] = await tx<OpRow[]>`select * from operators where id = ${id}`;
      if (!cur) throw notFound('operator');
      if ((cur.role === 'owner' || b.role === 'owner') && p.kind === 'operator' && p.role !== 'owner') throw new AppError('forbidden', 'only an owner can change an owner');
      const losesOwner = cur.role === 'owner' && !cur.disabled_at && (b.disabled === true || (b.role !== undefined && b.role !== 'owner'));
      if (losesOwner) await assertAnotherActiveOwner(tx, id);
      const [r] = await tx<OpRow[]>`update operators set role = ${b.role ?? cur.role}, name = ${b.name ?? cur.name},
        disabled_at = ${b.disabled === undefined ? cur.disabled_at : b.disabled ? new Date() : null} where id = ${id} returning *`;
      if (b.role && b.role !== cur.role) await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'operator.role_changed', targetType: 'operator', targetId: id, data: { from: cur.role, to: b.role } });
      if (b.disabled !== undefined) {
        await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: b.disabled ? 'operator.disabled' : 'operator.enabled', targetType: 'operator', targetId: id });
        if (b.disabled) await tx`update refresh_tokens set revoked_at = now() where operator_id = ${id} and revoked_at is null`;
      }
      return r;
    });
    return c.json(toOperator(row), 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/api-keys', tags: ['API keys'], summary: 'List API keys (never the keys themselves)', response: z.object({ data: z.array(ApiKey) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const rows = await withTenant(ctx.sql, p.tenantId, (tx) => tx<KeyRow[]>`select * from api_keys order by created_at`);
    return c.json({ data: rows.map(toKey) }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/api-keys', tags: ['API keys'], summary: 'Create an API key (shown once)', status: 201,
    body: z.object({ name: z.string().min(1).max(80), scopes: z.array(z.enum(API_SCOPES)).min(1) }), response: ApiKey.extend({ key: z.string() }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const b = c.req.valid('json');
    const out = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const { key, row } = await createApiKey(tx, p.tenantId, b.name, b.scopes);
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'api_key.created', targetType: 'api_key', targetId: row.id, data: { scopes: b.scopes } });
      const [full] = await tx<KeyRow[]>`select * from api_keys where id = ${row.id}`;
      return { key, row: full };
    });
    return c.json({ ...toKey(out.row), key: out.key }, 201);
  });

  app.openapi(route({ method: 'delete', path: '/v1/api-keys/{id}', tags: ['API keys'], summary: 'Revoke an API key', params: IdParam, response: ApiKey }), async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const [r] = await tx<KeyRow[]>`update api_keys set revoked_at = coalesce(revoked_at, now()) where id = ${id} returning *`;
      if (!r) throw notFound('api key');
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'api_key.revoked', targetType: 'api_key', targetId: id });
      return r;
    });
    return c.json(toKey(row), 200);
  });
}
