import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import type { Env } from '../principal';
import { requirePlatform, requireTenant, actorOf } from '../principal';
import { route } from '../route';
import { createTenant, getTenant, mergeTenantLLM, toTenant, updateTenantSettings } from '../../domain/tenants';
import { AppError } from '../errors';
import { checkTenantEndpoint } from '../../../agents/providers/endpoint-guard';
import { withTenant } from '../../store/tenant';
import { appendAudit } from '../../security/audit';

const Tenant = z.object({ id: z.string(), name: z.string(), slug: z.string(), plan: z.string(), settings: z.record(z.string(), z.unknown()), createdAt: z.string() }).openapi('Tenant');

const CreateTenant = z.object({
  name: z.string().trim().min(1).max(120),
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, 'lowercase letters, digits and dashes'),
  plan: z.enum(['free', 'premium', 'enterprise']).optional(),
  operator: z.object({ email: z.string().email().max(320), password: z.string().min(10).max(200), name: z.string().max(120).optional() }),
}).openapi('CreateTenant');

const Settings = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  retentionDays: z.number().int().min(1).max(3650).nullable().optional(),
  globalStore: z.object({ contribute: z.boolean(), consult: z.boolean() }).optional(),
  // The tenant's own OpenAI-compatible endpoint; the key is sealed at rest and never returned.
  // Fields merge into what is stored: absent keeps, null clears (`apiKey: null` drops the key).
  llm: z.object({ apiKey: z.string().min(1).max(500).nullable().optional(), baseUrl: z.string().url().max(500).nullable().optional(), model: z.string().min(1).max(100).nullable().optional() }).strict().nullable().optional(),
}).strict();

export function tenantRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'post', path: '/v1/tenants', tags: ['Tenants'], summary: 'Create a tenant (platform key)', body: CreateTenant, status: 201,
    response: z.object({ tenant: Tenant, apiKey: z.string(), operator: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.string() }) }) }),
  async (c) => {
    requirePlatform(c);
    const { tenant, apiKey, operator } = await createTenant(ctx.sql, c.req.valid('json'));
    return c.json({ tenant, apiKey, operator }, 201);
  });

  app.openapi(route({ method: 'get', path: '/v1/tenant', tags: ['Tenants'], summary: 'The calling tenant', response: Tenant }), async (c) => {
    const p = requireTenant(c);
    return c.json(toTenant(await withTenant(ctx.sql, p.tenantId, (tx) => getTenant(tx, p.tenantId))), 200);
  });

  app.openapi(route({ method: 'patch', path: '/v1/tenant', tags: ['Tenants'], summary: 'Update name and settings (retention, global store opt-ins)', body: Settings, response: Tenant }), async (c) => {
    const p = requireTenant(c, { scope: 'admin', roles: ['owner', 'admin'] });
    const body = c.req.valid('json');
    if (body.llm?.baseUrl) {
      // The hub will call this URL from inside the platform's network: refuse private targets (SSRF).
      const check = await checkTenantEndpoint(body.llm.baseUrl, { allowPrivate: ctx.config.llm.allowPrivateUrls });
      if (!check.ok) throw new AppError('invalid_request', `llm.baseUrl ${check.reason}`);
    }
    const row = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const { llm, ...rest } = body;
      const merged = llm === undefined ? {} : { llm: mergeTenantLLM((await getTenant(tx, p.tenantId)).settings.llm, llm, (k) => ctx.box.seal(k)) };
      const r = await updateTenantSettings(tx, p.tenantId, { ...rest, ...merged });
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'tenant.settings_changed', targetType: 'tenant', targetId: p.tenantId, data: { fields: Object.keys(body) } });
      return r;
    });
    return c.json(toTenant(row), 200);
  });
}
