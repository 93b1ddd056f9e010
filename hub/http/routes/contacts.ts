import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, clientIp, type Env } from '../principal';
import { route, IdParam, Ok } from '../route';
import { withTenant } from '../../store/tenant';
import { getContact, listContacts, toContact, updateContact, currentConsents, consentHistory, recordConsent, contactChannels } from '../../domain/contacts';
import { exportContact, eraseContact } from '../../domain/privacy';
import { appendAudit } from '../../security/audit';

const Purpose = z.enum(['processing', 'ai', 'learning', 'marketing']);
const Contact = z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), attributes: z.record(z.string(), z.unknown()),
  anonymized: z.boolean(), createdAt: z.string(), updatedAt: z.string() }).openapi('Contact');
const ContactDetail = Contact.extend({ consents: z.record(z.string(), z.boolean()), channels: z.array(z.object({ channelId: z.string(), type: z.string(), externalId: z.string(), verified: z.boolean() })) });
const ConsentRecord = z.object({ purpose: Purpose, granted: z.boolean(), source: z.string(), text: z.string().nullable(), ip: z.string().nullable(), userAgent: z.string().nullable(), createdAt: z.string() });

export function contactRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/contacts', tags: ['Contacts'], summary: 'List contacts, oldest first (nextCursor pages on)', query: z.object({ q: z.string().max(200).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.object({ data: z.array(Contact), nextCursor: z.string().nullable() }) }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts' });
    const q = c.req.valid('query');
    return c.json(await withTenant(ctx.sql, p.tenantId, (tx) => listContacts(tx, { q: q.q, limit: q.limit, cursor: q.cursor })), 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/contacts/{id}', tags: ['Contacts'], summary: 'A contact with consent state and channels', params: IdParam, response: ContactDetail }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts' });
    const { id } = c.req.valid('param');
    const out = await withTenant(ctx.sql, p.tenantId, async (tx) => ({
      ...toContact(await getContact(tx, id)),
      consents: await currentConsents(tx, id),
      channels: (await contactChannels(tx, id)).map((i) => ({ channelId: i.channel_id, type: i.type, externalId: i.external_id, verified: i.verified })),
    }));
    return c.json(out, 200);
  });

  app.openapi(route({ method: 'patch', path: '/v1/contacts/{id}', tags: ['Contacts'], summary: 'Update a contact (attributes are merged)', params: IdParam, response: Contact,
    body: z.object({ name: z.string().max(200).nullable().optional(), email: z.string().email().max(320).nullable().optional(), phone: z.string().max(50).nullable().optional(),
      attributes: z.record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).optional() }).strict() }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts' });
    return c.json(toContact(await withTenant(ctx.sql, p.tenantId, (tx) => updateContact(tx, c.req.valid('param').id, c.req.valid('json')))), 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/contacts/{id}/consents', tags: ['Contacts'], summary: 'Consent history (append-only)', params: IdParam,
    response: z.object({ current: z.record(z.string(), z.boolean()), data: z.array(ConsentRecord) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts' });
    const { id } = c.req.valid('param');
    const out = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      await getContact(tx, id);
      return { current: await currentConsents(tx, id), data: await consentHistory(tx, id) };
    });
    return c.json(out, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/contacts/{id}/consents', tags: ['Contacts'], summary: 'Record a consent decision', params: IdParam, status: 201,
    body: z.object({ purpose: Purpose, granted: z.boolean(), text: z.string().max(2000).optional(), source: z.enum(['api', 'operator', 'channel']).optional() }),
    response: z.object({ current: z.record(z.string(), z.boolean()) }) }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts' });
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const current = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      await getContact(tx, id);
      await recordConsent(tx, { tenantId: p.tenantId, contactId: id, purpose: b.purpose, granted: b.granted, source: b.source ?? (p.kind === 'operator' ? 'operator' : 'api'), text: b.text, ip: clientIp(c), userAgent: c.req.header('user-agent') });
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'consent.changed', targetType: 'contact', targetId: id, data: { purpose: b.purpose, granted: b.granted } });
      return currentConsents(tx, id);
    });
    return c.json({ current }, 201);
  });

  app.openapi(route({ method: 'get', path: '/v1/contacts/{id}/export', tags: ['Contacts'], summary: 'GDPR export: everything stored about the contact', params: IdParam, response: z.record(z.string(), z.unknown()) }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts', roles: ['owner', 'admin'] });
    const { id } = c.req.valid('param');
    const data = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const out = await exportContact(tx, id);
      await appendAudit(tx, { tenantId: p.tenantId, ...actorOf(p), action: 'contact.exported', targetType: 'contact', targetId: id });
      return out;
    });
    return c.json(data, 200);
  });

  app.openapi(route({ method: 'delete', path: '/v1/contacts/{id}', tags: ['Contacts'], summary: 'Erase a contact (messages, memories, identities; contact anonymized)', params: IdParam, response: Ok }), async (c) => {
    const p = requireTenant(c, { scope: 'contacts', roles: ['owner', 'admin'] });
    await eraseContact(ctx.sql, p.tenantId, c.req.valid('param').id, actorOf(p));
    return c.json({ ok: true as const }, 200);
  });
}
