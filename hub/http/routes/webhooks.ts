// Outbound event subscriptions. The signing secret is shown once and stored sealed.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { randomBytes } from 'node:crypto';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, type Env } from '../principal';
import { route, IdParam, Ok } from '../route';
import { withTenant } from '../../store/tenant';
import { WEBHOOK_EVENTS } from '../../domain/webhooks';
import { appendAudit } from '../../security/audit';
import { notFound } from '../errors';

const Webhook = z.object({ id: z.string(), url: z.string(), events: z.array(z.string()), enabled: z.boolean(), createdAt: z.string() }).openapi('Webhook');
type Row = { id: string; url: string; events: string[]; enabled: boolean; created_at: Date };
const toWebhook = (r: Row) => ({ id: r.id, url: r.url, events: r.events, enabled: r.enabled, createdAt: r.created_at.toISOString() });

export function webhookRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/webhooks', tags: ['Webhooks'], summary: 'List subscriptions', response: z.object({ data: z.array(Webhook) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'webhooks' });
    return c.json({ data: (await withTenant(ctx.sql, p.tenantId, (tx) => tx<Row[]>`select * from webhooks order by created_at`)).map(toWebhook) }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/webhooks', tags: ['Webhooks'], summary: 'Subscribe a URL to events (secret shown once)', status: 201,
    body: z.object({ url: z.string().url().max(2000).refine((u) => /^https?:\/\//.test(u), 'http(s) only'), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1) }),
    response: Webhook.extend({ secret: z.string() }) }), async (c) => {
    const p = requireTenant(c, { scope: 'webhooks', roles: ['owner', 'admin'] });
    const b = c.req.valid('json');
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const [r] = await tx<Row[]>`insert into webhooks (tenant_id, url, events, secret) values (${p.tenantId}, ${b.url}, ${b.events}, ${ctx.box.seal(secret)}) returning *`;
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'webhook.created', targetType: 'webhook', targetId: r.id });
      return r;
    });
    return c.json({ ...toWebhook(row), secret }, 201);
  });

  app.openapi(route({ method: 'delete', path: '/v1/webhooks/{id}', tags: ['Webhooks'], summary: 'Delete a subscription', params: IdParam, response: Ok }), async (c) => {
    const p = requireTenant(c, { scope: 'webhooks', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const rows = await tx`delete from webhooks where id = ${id} returning id`;
      if (!rows.length) throw notFound('webhook');
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'webhook.deleted', targetType: 'webhook', targetId: id });
    });
    return c.json({ ok: true as const }, 200);
  });
}
