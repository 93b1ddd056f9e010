// Public channel ingress. Nothing is parsed, let alone stored, before the signature over the
// exact raw bytes is verified. Outcomes map to HTTP here, once.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { HubContext } from '../../context';
import type { Env } from '../principal';
import { errorBody } from '../errors';
import { channelSecrets, findChannelForIngress } from '../../domain/channels';
import { verifyMisySignature } from '../../security/signatures';
import { admitInbound, type Admission } from '../../frontdesk/admit';
import { isUuid } from '../../store/tenant';

const MAX_INGRESS_BYTES = 256 * 1024;

const ApiInbound = z.object({
  type: z.literal('message'),
  id: z.string().min(1).max(300),
  from: z.object({ id: z.string().min(1).max(300), name: z.string().max(200).optional(), email: z.string().max(320).optional(), phone: z.string().max(50).optional() }),
  text: z.string().max(4000).default(''),
  attachments: z.array(z.object({ kind: z.enum(['image', 'audio', 'video', 'file', 'location', 'sticker']), url: z.string().url().max(2000).optional(), mimeType: z.string().max(200).optional(), name: z.string().max(300).optional(), size: z.number().int().nonnegative().optional() })).max(10).default([]),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Reads the body as bytes with a hard cap, before anything interprets it. The cap is enforced while
 * streaming: a lying Content-Length or a chunked body stops being read at max + 1 bytes, so an
 * oversized request never sits whole in memory. `null` means too large (413).
 */
export async function readRawBody(c: Context, max = MAX_INGRESS_BYTES): Promise<Uint8Array | null> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > max) return null;
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) { out.set(chunk, at); at += chunk.byteLength; }
  return out;
}

export function admissionResponse(c: Context, outcome: Admission) {
  switch (outcome.kind) {
    case 'accepted': // 202: committed; the reply (if any) follows asynchronously
      return c.json({ status: 'accepted', messageId: outcome.message.id, conversationId: outcome.message.conversationId }, 202);
    case 'duplicate': // 200: already stored once; nothing new
      return c.json({ status: 'duplicate', messageId: outcome.message.id, conversationId: outcome.message.conversationId }, 200);
    case 'rejected':
      if (outcome.retryAfter !== undefined) c.header('Retry-After', String(outcome.retryAfter));
      return c.json(errorBody(outcome.code, outcome.message), outcome.code === 'rate_limited' ? 429 : outcome.code === 'forbidden' ? 403 : 400);
  }
}

export function ingressRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.post('/webhooks/api/:channelId', async (c) => {
    const channelId = c.req.param('channelId');
    const raw = await readRawBody(c);
    if (!raw) return c.json(errorBody('payload_too_large', `body exceeds ${MAX_INGRESS_BYTES} bytes`), 413, { Connection: 'close' });
    const channel = isUuid(channelId) ? await findChannelForIngress(ctx.sql, channelId, 'api') : null;
    // Unknown channel and bad signature look the same from outside.
    const verdict = channel
      ? verifyMisySignature({ secret: channelSecrets(channel, ctx.box).secret, rawBody: raw, timestamp: c.req.header('x-misy-timestamp'), signature: c.req.header('x-misy-signature'), now: ctx.now })
      : { ok: false as const, reason: 'mismatch' as const };
    if (!channel || !verdict.ok) return c.json(errorBody('invalid_signature', `signature rejected (${verdict.ok ? 'unknown channel' : verdict.reason})`), 401);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      return c.json(errorBody('invalid_json', 'body is not valid JSON'), 400);
    }
    const parsed = ApiInbound.safeParse(json);
    if (!parsed.success) return c.json(errorBody('invalid_request', `${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`), 400);
    const m = parsed.data;
    // A valid signature is single-use: the same signed message again inside the window are a replay,
    // not a retry (an honest retry signs again with a fresh timestamp and lands as a duplicate).
    const claim = await ctx.replay.claim(channel.id, c.req.header('x-misy-signature') ?? '');
    if (!claim.first) return c.json(errorBody('replayed', 'this signed request was already received'), 401);
    let outcome: Admission;
    try {
      outcome = await admitInbound(ctx, {
        channel,
        event: { kind: 'message', externalId: m.id, from: { externalId: m.from.id, name: m.from.name, email: m.from.email, phone: m.from.phone }, text: m.text, attachments: m.attachments, meta: m.meta },
        verified: true,
      });
    } catch (err) {
      await claim.release().catch(() => {});
      throw err;
    }
    // Nothing was stored (rate limited, invalid): the same signed request may come again, and
    // leaves nothing behind either way.
    if (outcome.kind === 'rejected') await claim.release();
    return admissionResponse(c, outcome);
  });

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/api/{channelId}',
    tags: ['Ingress'],
    summary: "Inbound message from the tenant's backend, signed with X-Misy-Timestamp and X-Misy-Signature (v1)",
    request: {
      params: z.object({ channelId: z.string().uuid() }),
      headers: z.object({ 'x-misy-timestamp': z.string(), 'x-misy-signature': z.string() }),
      body: { content: { 'application/json': { schema: ApiInbound } } },
    },
    responses: { 202: { description: 'Accepted and stored' }, 200: { description: 'Duplicate: already stored' }, 401: { description: 'Signature missing, forged, too old (invalid_signature) or already used (replayed)' }, 429: { description: 'Rate limited' } },
  });
}
