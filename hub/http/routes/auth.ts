// Operator login, refresh-token rotation (reuse revokes the family), logout.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { HubContext } from '../../context';
import { clientIp, requireTenant, type Env } from '../principal';
import { route, Ok } from '../route';
import { AppError } from '../errors';
import { verifyPassword, dummyPasswordCheck, hashPassword } from '../../auth/passwords';
import { issueRefreshToken, rotateRefreshToken, revokeRefreshFamily } from '../../auth/refresh-tokens';
import { ACCESS_TTL_SECONDS } from '../../auth/tokens';
import { withTenant } from '../../store/tenant';
import { appendAudit } from '../../security/audit';

const Session = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  operator: z.object({ id: z.string(), tenantId: z.string(), email: z.string(), name: z.string().nullable(), role: z.string() }),
}).openapi('OperatorSession');

interface OperatorRow { id: string; tenant_id: string; email: string; name: string | null; role: 'owner' | 'admin' | 'agent'; password_hash: string; disabled_at: Date | null }

export function authRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  async function session(op: Pick<OperatorRow, 'id' | 'tenant_id' | 'email' | 'name' | 'role'>, refreshToken: string) {
    const accessToken = await ctx.tokens.signAccess({ sub: op.id, tid: op.tenant_id, role: op.role });
    return { accessToken, refreshToken, expiresIn: ACCESS_TTL_SECONDS, operator: { id: op.id, tenantId: op.tenant_id, email: op.email, name: op.name, role: op.role } };
  }

  /** A throttled login is evidence of guessing: recorded in the tenant of the targeted account, when there is one. */
  async function auditThrottledLogin(c: Context, email: string, limit: 'login_account' | 'login_ip') {
    const ops = await ctx.sql<{ id: string; tenant_id: string }[]>`select id, tenant_id from operators where lower(email) = ${email}`;
    for (const op of ops) {
      await withTenant(ctx.sql, op.tenant_id, (tx) => appendAudit(tx, { tenantId: op.tenant_id, actorType: 'operator', actorId: op.id, action: 'auth.login_rate_limited', data: { limit }, ip: clientIp(c) }));
    }
  }

  async function limitLogin(c: Context, email: string) {
    for (const [kind, key] of [['login_account', email], ['login_ip', clientIp(c) ?? 'unknown']] as const) {
      const v = await ctx.limiter.consume(kind, key);
      if (!v.ok) {
        await auditThrottledLogin(c, email, kind);
        throw new AppError('rate_limited', 'too many login attempts; try again later', { retryAfter: v.retryAfterSeconds });
      }
    }
  }

  app.openapi(route({ method: 'post', path: '/v1/auth/login', errors: [401, 429], tags: ['Auth'], summary: 'Operator login', auth: 'none',
    body: z.object({ email: z.string().email().max(320), password: z.string().min(1).max(200), tenant: z.string().max(48).optional() }), response: Session }),
  async (c) => {
    const { email, password, tenant } = c.req.valid('json');
    const normalized = email.toLowerCase();
    await limitLogin(c, normalized);
    // Login is where the tenant becomes known, so the lookup is a system query.
    const candidates = await ctx.sql<OperatorRow[]>`
      select o.* from operators o join tenants t on t.id = o.tenant_id
      where lower(o.email) = ${normalized} ${tenant ? ctx.sql`and t.slug = ${tenant}` : ctx.sql``}`;
    if (candidates.length > 1) throw new AppError('invalid_request', 'this email belongs to several tenants; pass "tenant" (the slug)');
    const op = candidates[0];
    const ok = op ? await verifyPassword(password, op.password_hash) : (await dummyPasswordCheck(), false);
    if (!op || !ok || op.disabled_at) {
      if (op) await withTenant(ctx.sql, op.tenant_id, (tx) => appendAudit(tx, { tenantId: op.tenant_id, actorType: 'operator', actorId: op.id, action: 'auth.login_failed', ip: clientIp(c) }));
      throw new AppError('unauthorized', 'wrong email or password');
    }
    const refresh = await withTenant(ctx.sql, op.tenant_id, async (tx) => {
      await appendAudit(tx, { tenantId: op.tenant_id, actorType: 'operator', actorId: op.id, action: 'auth.login', ip: clientIp(c) });
      return issueRefreshToken(tx, op.tenant_id, op.id);
    });
    return c.json(await session(op, refresh), 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/auth/refresh', errors: [401], tags: ['Auth'], summary: 'Rotate a refresh token', auth: 'none',
    body: z.object({ refreshToken: z.string().min(1).max(200) }), response: Session }),
  async (c) => {
    const outcome = await rotateRefreshToken(ctx.sql, c.req.valid('json').refreshToken);
    if (outcome.kind === 'reused') {
      await withTenant(ctx.sql, outcome.tenantId, (tx) => appendAudit(tx, { tenantId: outcome.tenantId, actorType: 'operator', actorId: outcome.operatorId, action: 'auth.refresh_reuse', data: { familyId: outcome.familyId }, ip: clientIp(c) }));
      throw new AppError('unauthorized', 'refresh token was already used; all sessions of this login were revoked');
    }
    if (outcome.kind === 'invalid') throw new AppError('unauthorized', 'refresh token is not valid');
    const [op] = await ctx.sql<OperatorRow[]>`select * from operators where id = ${outcome.operatorId}`;
    return c.json(await session(op, outcome.token), 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/auth/password', errors: [429], tags: ['Auth'], summary: "Change the calling operator's own password (ends the operator's other sessions)",
    body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(10).max(200) }), response: Ok }),
  async (c) => {
    const p = requireTenant(c);
    if (p.kind !== 'operator') throw new AppError('forbidden', 'only an operator (access token) can change its password');
    const b = c.req.valid('json');
    // A stolen access token must not become a way to guess the password without limits.
    const [op] = await withTenant(ctx.sql, p.tenantId, (tx) => tx<OperatorRow[]>`select * from operators where id = ${p.operatorId}`);
    await limitLogin(c, op.email.toLowerCase());
    if (!(await verifyPassword(b.currentPassword, op.password_hash))) {
      await withTenant(ctx.sql, p.tenantId, (tx) => appendAudit(tx, { tenantId: p.tenantId, actorType: 'operator', actorId: op.id, action: 'auth.password_change_failed', targetType: 'operator', targetId: op.id, ip: clientIp(c) }));
      throw new AppError('forbidden', 'the current password is wrong');
    }
    const hash = await hashPassword(b.newPassword);
    await withTenant(ctx.sql, p.tenantId, async (tx) => {
      await tx`update operators set password_hash = ${hash} where id = ${op.id}`;
      // Refresh tokens issued under the old password stop working; access tokens expire within 15 min.
      await tx`update refresh_tokens set revoked_at = now() where operator_id = ${op.id} and revoked_at is null`;
      await appendAudit(tx, { tenantId: p.tenantId, actorType: 'operator', actorId: op.id, action: 'auth.password_changed', targetType: 'operator', targetId: op.id, ip: clientIp(c) });
    });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/auth/logout', tags: ['Auth'], summary: 'Revoke a refresh token family', auth: 'none',
    body: z.object({ refreshToken: z.string().min(1).max(200) }), response: Ok }),
  async (c) => {
    await revokeRefreshFamily(ctx.sql, c.req.valid('json').refreshToken);
    return c.json({ ok: true as const }, 200);
  });
}
