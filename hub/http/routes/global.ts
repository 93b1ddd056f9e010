// Platform review of the anonymized global store: list and remove entries (platform key only).
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requirePlatform, type Env } from '../principal';
import { route, IdParam, Ok } from '../route';
import { notFound } from '../errors';
import { listGlobal, deleteGlobal } from '../../../agents/global/store';

const Entry = z.object({ id: z.string(), question: z.string(), answer: z.string(), contributors: z.number().int(), createdAt: z.string(), updatedAt: z.string() }).openapi('GlobalEntry');

export function globalRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/global', tags: ['Global store'], summary: 'Review anonymized global entries (platform key)',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), minContributors: z.coerce.number().int().min(0).max(1000).optional() }),
    response: z.object({ data: z.array(Entry), minTenants: z.number().int() }) }), async (c) => {
    requirePlatform(c);
    const q = c.req.valid('query');
    return c.json({ data: await listGlobal(ctx, q), minTenants: ctx.config.globalMinTenants }, 200);
  });

  app.openapi(route({ method: 'delete', path: '/v1/global/{id}', tags: ['Global store'], summary: 'Remove a global entry (platform key)', params: IdParam, response: Ok }), async (c) => {
    requirePlatform(c);
    if (!(await deleteGlobal(ctx, c.req.valid('param').id))) throw notFound('global entry');
    return c.json({ ok: true as const }, 200);
  });
}
