import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, type Env } from '../principal';
import { route, IdParam, Ok } from '../route';
import { withTenant } from '../../store/tenant';
import { appendAudit } from '../../security/audit';
import { createChannel, deleteChannel, getChannel, listChannels, presentChannel, rotateGeneratedSecrets, updateChannel } from '../../domain/channels';
import { CHANNEL_TYPES } from '../../../channels/registry';

const Channel = z.object({
  id: z.string(), type: z.string(), name: z.string(), enabled: z.boolean(), config: z.record(z.string(), z.unknown()),
  widgetKey: z.string().optional(), secrets: z.record(z.string(), z.string()), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Channel');

const CreateChannel = z.object({
  type: z.enum(CHANNEL_TYPES as [string, ...string[]]),
  name: z.string().trim().min(1).max(120),
  config: z.record(z.string(), z.unknown()).default({}),
}).openapi('CreateChannel');

export function channelRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/channels', tags: ['Channels'], summary: 'List channels (secrets masked)', response: z.object({ data: z.array(Channel) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'channels' });
    const rows = await withTenant(ctx.sql, p.tenantId, listChannels);
    return c.json({ data: rows.map((r) => presentChannel(r, ctx.box)) }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/channels', tags: ['Channels'], summary: 'Create a channel; generated secrets are returned once', status: 201, body: CreateChannel,
    response: Channel.extend({ generatedSecrets: z.record(z.string(), z.string()) }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'channels', roles: ['owner', 'admin'] });
    const body = c.req.valid('json');
    const { row, generated } = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const out = await createChannel(tx, ctx.box, p.tenantId, body as Parameters<typeof createChannel>[3]);
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'channel.created', targetType: 'channel', targetId: out.row.id, data: { type: body.type } });
      return out;
    });
    const { widgetKey: _public, ...generatedSecrets } = generated;
    return c.json({ ...presentChannel(row, ctx.box), generatedSecrets }, 201);
  });

  app.openapi(route({ method: 'get', path: '/v1/channels/{id}', tags: ['Channels'], summary: 'Get a channel', params: IdParam, response: Channel }), async (c) => {
    const p = requireTenant(c, { scope: 'channels' });
    const row = await withTenant(ctx.sql, p.tenantId, (tx) => getChannel(tx, c.req.valid('param').id));
    return c.json(presentChannel(row, ctx.box), 200);
  });

  app.openapi(route({ method: 'patch', path: '/v1/channels/{id}', tags: ['Channels'], summary: 'Update a channel (omitted secrets are kept)', params: IdParam, response: Channel,
    body: z.object({ name: z.string().trim().min(1).max(120).optional(), config: z.record(z.string(), z.unknown()).optional(), enabled: z.boolean().optional() }).strict() }),
  async (c) => {
    const p = requireTenant(c, { scope: 'channels', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const { row, secretsChanged } = await updateChannel(tx, ctx.box, id, body);
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'channel.updated', targetType: 'channel', targetId: id, data: { fields: Object.keys(body) } });
      if (secretsChanged) await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'channel.secret_changed', targetType: 'channel', targetId: id });
      return row;
    });
    return c.json(presentChannel(row, ctx.box), 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/channels/{id}/rotate-secret', tags: ['Channels'], params: IdParam,
    summary: 'Replace the secrets Misy generated for this channel (API secret, widget identity secret, email inbound secret); the new values are returned once',
    response: z.object({ id: z.string(), generatedSecrets: z.record(z.string(), z.string()) }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'channels', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    const generatedSecrets = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const fresh = await rotateGeneratedSecrets(tx, ctx.box, id);
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'channel.secret_changed', targetType: 'channel', targetId: id, data: { rotated: Object.keys(fresh) } });
      return fresh;
    });
    return c.json({ id, generatedSecrets }, 200);
  });

  app.openapi(route({ method: 'delete', path: '/v1/channels/{id}', tags: ['Channels'], summary: 'Delete a channel and its conversations', params: IdParam, response: Ok }), async (c) => {
    const p = requireTenant(c, { scope: 'channels', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    await withTenant(ctx.sql, p.tenantId, async (tx) => {
      await deleteChannel(tx, id);
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'channel.deleted', targetType: 'channel', targetId: id });
    });
    return c.json({ ok: true as const }, 200);
  });
}
