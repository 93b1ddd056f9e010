// AI agents of a tenant: name, description (used by the router), instructions, model, tools, handoff rules.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, type Env } from '../principal';
import { route, IdParam, Ok } from '../route';
import { withTenant } from '../../store/tenant';
import { appendAudit } from '../../security/audit';
import { notFound } from '../errors';
import { AGENT_TOOLS } from '../../../agents/runtime/tools';

const Handoff = z.object({
  keywords: z.array(z.string().min(1).max(60)).max(50).optional(),
  minConfidence: z.number().min(0).max(1).optional(),
  maxFailures: z.number().int().min(1).max(10).optional(),
  onNegativeSentiment: z.boolean().optional(),
}).strict();

const Agent = z.object({ id: z.string(), name: z.string(), description: z.string(), instructions: z.string(), model: z.string().nullable(), tools: z.array(z.string()),
  handoff: Handoff, enabled: z.boolean(), createdAt: z.string(), updatedAt: z.string() }).openapi('Agent');
const AgentInput = z.object({
  name: z.string().trim().min(1).max(80),
  description: z.string().max(1000).default(''),
  instructions: z.string().max(8000).default(''),
  model: z.string().max(100).nullable().optional(),
  tools: z.array(z.enum(AGENT_TOOLS)).optional(),
  handoff: Handoff.optional(),
  enabled: z.boolean().optional(),
});

type Row = { id: string; name: string; description: string; instructions: string; model: string | null; tools: string[]; handoff: z.infer<typeof Handoff>; enabled: boolean; created_at: Date; updated_at: Date };
const toAgent = (r: Row) => ({ id: r.id, name: r.name, description: r.description, instructions: r.instructions, model: r.model, tools: r.tools, handoff: r.handoff, enabled: r.enabled, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() });

export function agentRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/agents', tags: ['Agents'], summary: 'List agents', response: z.object({ data: z.array(Agent) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'agents' });
    return c.json({ data: (await withTenant(ctx.sql, p.tenantId, (tx) => tx<Row[]>`select * from agents order by created_at`)).map(toAgent) }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/agents', tags: ['Agents'], summary: 'Create an agent', status: 201, body: AgentInput, response: Agent }), async (c) => {
    const p = requireTenant(c, { scope: 'agents', roles: ['owner', 'admin'] });
    const b = c.req.valid('json');
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const [r] = await tx<Row[]>`insert into agents (tenant_id, name, description, instructions, model, tools, handoff, enabled)
        values (${p.tenantId}, ${b.name}, ${b.description}, ${b.instructions}, ${b.model ?? null}, ${b.tools ?? [...AGENT_TOOLS]}, ${tx.json((b.handoff ?? {}) as never)}, ${b.enabled ?? true}) returning *`;
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'agent.created', targetType: 'agent', targetId: r.id });
      return r;
    });
    return c.json(toAgent(row), 201);
  });

  app.openapi(route({ method: 'get', path: '/v1/agents/{id}', tags: ['Agents'], summary: 'Get an agent', params: IdParam, response: Agent }), async (c) => {
    const p = requireTenant(c, { scope: 'agents' });
    const [row] = await withTenant(ctx.sql, p.tenantId, (tx) => tx<Row[]>`select * from agents where id = ${c.req.valid('param').id}`);
    if (!row) throw notFound('agent');
    return c.json(toAgent(row), 200);
  });

  app.openapi(route({ method: 'patch', path: '/v1/agents/{id}', tags: ['Agents'], summary: 'Update an agent', params: IdParam, body: AgentInput.partial().strict(), response: Agent }), async (c) => {
    const p = requireTenant(c, { scope: 'agents', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const [cur] = await tx<Row[]>`select * from agents where id = ${id}`;
      if (!cur) throw notFound('agent');
      const [r] = await tx<Row[]>`update agents set name = ${b.name ?? cur.name}, description = ${b.description ?? cur.description},
        instructions = ${b.instructions ?? cur.instructions}, model = ${b.model === undefined ? cur.model : b.model}, tools = ${b.tools ?? cur.tools},
        handoff = ${tx.json((b.handoff ?? cur.handoff) as never)}, enabled = ${b.enabled ?? cur.enabled},
        embedding = ${b.description !== undefined ? null : tx`embedding`}, updated_at = now() where id = ${id} returning *`;
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'agent.updated', targetType: 'agent', targetId: id, data: { fields: Object.keys(b) } });
      return r;
    });
    return c.json(toAgent(row), 200);
  });

  app.openapi(route({ method: 'delete', path: '/v1/agents/{id}', tags: ['Agents'], summary: 'Delete an agent', params: IdParam, response: Ok }), async (c) => {
    const p = requireTenant(c, { scope: 'agents', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const rows = await tx`delete from agents where id = ${id} returning id`;
      if (!rows.length) throw notFound('agent');
      await tx`update conversations set agent_id = null where agent_id = ${id}`;
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'agent.deleted', targetType: 'agent', targetId: id });
    });
    return c.json({ ok: true as const }, 200);
  });
}
