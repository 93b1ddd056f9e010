// Public widget session: origin allow-list, anonymous visitor tokens, HMAC-verified identity.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HubContext } from '../../context';
import { clientIp, type Env } from '../principal';
import { route } from '../route';
import { AppError } from '../errors';
import { channelSecrets, findWebChannelByKey, type ChannelRow } from '../../domain/channels';
import { withTenant } from '../../store/tenant';
import { resolveContactIdentity, currentConsents, updateContact } from '../../domain/contacts';
import { findActiveConversation } from '../../domain/conversations';
import { hashToken } from '../../auth/api-keys';
import type { Plan } from '../../security/rate-limit';

export function originAllowed(channel: ChannelRow, origin: string | undefined | null): boolean {
  const allowed = (channel.config.allowedOrigins as string[] | undefined) ?? [];
  if (allowed.includes('*')) return true;
  return !!origin && allowed.includes(origin);
}

/** System query: the preflight comes before any tenant is known. */
async function originOnAnyWebChannel(ctx: HubContext, origin: string): Promise<boolean> {
  const [row] = await ctx.sql`select 1 from channels where type = 'web' and enabled
    and (config->'allowedOrigins' @> jsonb_build_array(${origin}::text) or config->'allowedOrigins' @> '["*"]'::jsonb) limit 1`;
  return !!row;
}

/** Anonymous, and each call may create a contact: throttled per client address and per widget key, by the tenant's plan. */
async function throttleSession(ctx: HubContext, channel: ChannelRow, ip: string | null): Promise<void> {
  const [tenant] = await ctx.sql<{ plan: Plan }[]>`select plan from tenants where id = ${channel.tenant_id}`;
  for (const [kind, key] of [['widget_session_ip', `${channel.tenant_id}:${ip ?? 'unknown'}`], ['widget_session_key', channel.public_key ?? channel.id]] as const) {
    const v = await ctx.limiter.consume(kind, key, tenant?.plan ?? 'free');
    if (!v.ok) throw new AppError('rate_limited', 'too many widget sessions; try again later', { retryAfter: v.retryAfterSeconds });
  }
}

function identityValid(secret: string, id: string, hash: string): boolean {
  const expected = createHmac('sha256', secret).update(id).digest();
  const given = Buffer.from(hash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const Session = z.object({
  token: z.string(), contactId: z.string(), visitorToken: z.string(), conversationId: z.string().nullable(),
  channel: z.object({ id: z.string(), title: z.string(), welcome: z.string(), theme: z.record(z.string(), z.unknown()), requireConsent: z.array(z.string()), locale: z.string().optional() }),
  consents: z.record(z.string(), z.boolean()),
}).openapi('WidgetSession');

export function widgetRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  // CORS preflight for the widget. The preflight carries no widget key, so it cannot know the
  // channel: it answers with CORS headers only for an origin on SOME enabled web channel's
  // allow-list; the POST itself then checks that channel's own list.
  app.options('/v1/widget/session', async (c) => {
    const origin = c.req.header('origin');
    c.header('Vary', 'Origin');
    if (origin && origin.length <= 300 && (await originOnAnyWebChannel(ctx, origin))) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Methods', 'POST');
      c.header('Access-Control-Allow-Headers', 'content-type');
      c.header('Access-Control-Max-Age', '600');
    }
    return c.body(null, 204);
  });

  app.openapi(route({ method: 'post', path: '/v1/widget/session', tags: ['Widget'], summary: 'Open a widget session for a visitor', auth: 'none',
    body: z.object({
      widgetKey: z.string().min(1).max(100),
      visitorToken: z.string().min(1).max(200).optional(),
      identity: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional(), email: z.string().email().max(320).optional(), hash: z.string().regex(/^[0-9a-fA-F]{64}$/) }).optional(),
      attributes: z.record(z.string().max(100), z.union([z.string().max(1000), z.number(), z.boolean()])).optional(),
    }), response: Session }),
  async (c) => {
    const body = c.req.valid('json');
    const origin = c.req.header('origin');
    const channel = await findWebChannelByKey(ctx.sql, body.widgetKey);
    if (!channel) throw new AppError('not_found', 'unknown widget key');
    await throttleSession(ctx, channel, clientIp(c));
    // A browser always sends Origin on a cross-origin POST; no Origin means a non-browser caller,
    // allowed only when the channel accepts any origin.
    if (!originAllowed(channel, origin)) throw new AppError('origin_not_allowed', `origin ${origin ?? '(none)'} is not allowed for this widget`);
    c.header('Access-Control-Allow-Origin', origin ?? '*');
    c.header('Vary', 'Origin');

    const secrets = channelSecrets(channel, ctx.box);
    let externalId: string;
    let visitorToken = body.visitorToken;
    let verified = false;
    if (body.identity) {
      if (!identityValid(secrets.identitySecret, body.identity.id, body.identity.hash)) throw new AppError('unauthorized', 'identity hash does not match');
      externalId = `user:${body.identity.id}`;
      verified = true;
      visitorToken ??= `vt_${randomBytes(24).toString('base64url')}`;
    } else {
      // The visitor token is a bearer secret kept by the browser; only its hash names the visitor.
      visitorToken ??= `vt_${randomBytes(24).toString('base64url')}`;
      externalId = `visitor:${hashToken(visitorToken)}`;
    }
    const out = await withTenant(ctx.sql, channel.tenant_id, async (tx) => {
      const { contact } = await resolveContactIdentity(tx, channel.tenant_id, channel.id, externalId,
        body.identity ? { name: body.identity.name, email: body.identity.email } : {}, verified);
      if (body.attributes) await updateContact(tx, contact.id, { attributes: body.attributes });
      const conversation = await findActiveConversation(tx, channel.id, contact.id);
      return { contact, conversation, consents: await currentConsents(tx, contact.id) };
    });
    const token = await ctx.tokens.signWidget({ sub: out.contact.id, tid: channel.tenant_id, cid: channel.id });
    const cfg = channel.config as { title?: string; welcome?: string; theme?: Record<string, unknown>; requireConsent?: string[]; locale?: string };
    return c.json({
      token,
      contactId: out.contact.id,
      visitorToken,
      conversationId: out.conversation?.id ?? null,
      channel: { id: channel.id, title: cfg.title ?? channel.name, welcome: cfg.welcome ?? '', theme: cfg.theme ?? {}, requireConsent: cfg.requireConsent ?? [], ...(cfg.locale ? { locale: cfg.locale } : {}) },
      consents: out.consents,
    }, 200);
  });
}
