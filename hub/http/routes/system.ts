// Liveness, readiness, metrics, the job queue's dead letters, and the audit log.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, type Env } from '../principal';
import { route } from '../route';
import { withTenant } from '../../store/tenant';
import { pendingMigrations } from '../../store/migrate';
import { retryDeadJob } from '../../jobs/queue';
import { notFound } from '../errors';

const Job = z.object({ id: z.number(), kind: z.string(), status: z.string(), attempts: z.number(), maxAttempts: z.number(), lastError: z.string().nullable(), runAt: z.string(), createdAt: z.string() }).openapi('Job');
type JobRow = { id: number; kind: string; status: string; attempts: number; max_attempts: number; last_error: string | null; run_at: Date; created_at: Date };
const toJob = (r: JobRow) => ({ id: r.id, kind: r.kind, status: r.status, attempts: r.attempts, maxAttempts: r.max_attempts, lastError: r.last_error, runAt: r.run_at.toISOString(), createdAt: r.created_at.toISOString() });

export function systemRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/healthz', tags: ['System'], summary: 'Liveness', auth: 'none', response: z.object({ ok: z.boolean() }) }), (c) => c.json({ ok: true }, 200));

  app.openapi(route({ method: 'get', path: '/readyz', tags: ['System'], summary: 'Readiness: database reachable and migrations applied', auth: 'none', alsoAs: [503],
    response: z.object({ ok: z.boolean(), database: z.boolean(), pendingMigrations: z.array(z.string()) }) }), async (c) => {
    try {
      const pending = await pendingMigrations(ctx.sql);
      const ok = pending.length === 0;
      return c.json({ ok, database: true, pendingMigrations: pending }, ok ? 200 : (503 as 200));
    } catch {
      return c.json({ ok: false, database: false, pendingMigrations: [] }, 503 as 200);
    }
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', ctx.metrics.registry.contentType);
    return c.body(await ctx.metrics.registry.metrics());
  });

  app.openapi(route({ method: 'get', path: '/v1/jobs', tags: ['System'], summary: "The tenant's jobs, e.g. dead letters (status=dead)",
    query: z.object({ status: z.enum(['queued', 'running', 'done', 'dead']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.object({ data: z.array(Job) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'admin' });
    const q = c.req.valid('query');
    const rows = await withTenant(ctx.sql, p.tenantId, (tx) => tx<JobRow[]>`
      select * from jobs ${q.status ? tx`where status = ${q.status}` : tx``} order by id desc limit ${q.limit}`);
    return c.json({ data: rows.map(toJob) }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/jobs/{id}/retry', tags: ['System'], summary: 'Retry a dead job', params: z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) }),
    response: z.object({ ok: z.literal(true) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const ok = await withTenant(ctx.sql, p.tenantId, (tx) => retryDeadJob(tx, c.req.valid('param').id));
    if (!ok) throw notFound('dead job');
    ctx.wakeJobs();
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/audit', tags: ['Audit'], summary: "The tenant's hash-chained audit log",
    query: z.object({ action: z.string().max(100).optional(), actorId: z.string().max(100).optional(), targetId: z.string().max(100).optional(),
      since: z.string().datetime().optional(), before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.object({ data: z.array(z.object({ id: z.number(), seq: z.number(), actorType: z.string(), actorId: z.string().nullable(), action: z.string(), targetType: z.string().nullable(),
      targetId: z.string().nullable(), data: z.record(z.string(), z.unknown()), ip: z.string().nullable(), createdAt: z.string(), hash: z.string() })), nextCursor: z.string().nullable() }) }), async (c) => {
    const p = requireTenant(c, { scope: 'audit', roles: ['owner', 'admin'] });
    const q = c.req.valid('query');
    const rows = await withTenant(ctx.sql, p.tenantId, (tx) => tx<{ id: number; seq: number; actor_type: string; actor_id: string | null; action: string; target_type: string | null; target_id: string | null; data: Record<string, unknown>; ip: string | null; created_at: Date; hash: string }[]>`
      select * from audit_log where true
        ${q.action ? tx`and action = ${q.action}` : tx``} ${q.actorId ? tx`and actor_id = ${q.actorId}` : tx``}
        ${q.targetId ? tx`and target_id = ${q.targetId}` : tx``} ${q.since ? tx`and created_at >= ${new Date(q.since)}` : tx``}
        ${q.before ? tx`and id < ${q.before}` : tx``}
      order by id desc limit ${q.limit}`);
    return c.json({
      data: rows.map((r) => ({ id: r.id, seq: r.seq, actorType: r.actor_type, actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id, data: r.data, ip: r.ip, createdAt: r.created_at.toISOString(), hash: r.hash })),
      nextCursor: rows.length === q.limit ? String(rows[rows.length - 1].id) : null,
    }, 200);
  });
}
