import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubContext } from '../../context';
import { requireTenant, actorOf, type Env, type TenantPrincipal } from '../principal';
import { route, IdParam } from '../route';
import { withTenant } from '../../store/tenant';
import { getConversation, listConversations, createConversation, findActiveConversation, markRead } from '../../domain/conversations';
import { listMessages } from '../../domain/messages';
import { getChannel } from '../../domain/channels';
import { createContact, getContact, resolveContactIdentity } from '../../domain/contacts';
import { sendOutbound, storeOutbound, publishOutbound } from '../../domain/outbound';
import { assignConversation, handoffConversation, reopenConversation, resolveConversation, type Actor } from '../../domain/transitions';
import { AppError } from '../errors';
import { MAX_TEXT } from '../../frontdesk/admit';

const Attachment = z.object({ kind: z.enum(['image', 'audio', 'video', 'file', 'location', 'sticker']), url: z.string().url().max(2000).optional(), mimeType: z.string().max(200).optional(), name: z.string().max(300).optional(), size: z.number().int().nonnegative().optional() });
export const MessageSchema = z.object({
  id: z.string(), tenantId: z.string(), conversationId: z.string(), seq: z.number(), direction: z.enum(['in', 'out']),
  sender: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().optional() }), text: z.string(), attachments: z.array(Attachment),
  channel: z.object({ id: z.string(), type: z.string(), externalId: z.string().optional() }), replyTo: z.string().optional(), status: z.string(),
  clientId: z.string().optional(), meta: z.record(z.string(), z.unknown()).optional(), createdAt: z.string(),
}).openapi('Message');
export const ConversationSchema = z.object({
  id: z.string(), tenantId: z.string(), channelId: z.string(), channelType: z.string(), contactId: z.string(), contactName: z.string().nullable().optional(),
  status: z.enum(['bot', 'pending', 'open', 'resolved']), assigneeId: z.string().nullable(), agentId: z.string().nullable(), lastSeq: z.number(),
  lastMessageAt: z.string().nullable(), lastMessageText: z.string().nullable().optional(), unread: z.number(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Conversation');

const actor = (p: TenantPrincipal): Actor => ({ tenantId: p.tenantId, ...actorOf(p) });
const sender = (p: TenantPrincipal) => (p.kind === 'operator' ? { type: 'operator' as const, id: p.operatorId } : { type: 'system' as const, id: p.keyId, name: 'API' });
const SendBody = z.object({ text: z.string().max(MAX_TEXT).default(''), attachments: z.array(Attachment).max(10).optional(), clientId: z.string().min(1).max(100).optional() });

export function conversationRoutes(app: OpenAPIHono<Env>, ctx: HubContext) {
  app.openapi(route({ method: 'get', path: '/v1/conversations', tags: ['Conversations'], summary: 'List conversations, newest activity first',
    query: z.object({ status: z.enum(['bot', 'pending', 'open', 'resolved']).optional(), channelId: z.string().uuid().optional(), assignee: z.string().max(40).optional(),
      contactId: z.string().uuid().optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.object({ data: z.array(ConversationSchema), nextCursor: z.string().nullable() }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    const q = c.req.valid('query');
    let assigneeId = q.assignee;
    if (assigneeId === 'me') {
      if (p.kind !== 'operator') throw new AppError('invalid_request', "assignee=me needs an operator token");
      assigneeId = p.operatorId;
    } else if (assigneeId && !/^[0-9a-f-]{36}$/i.test(assigneeId)) throw new AppError('invalid_request', 'assignee: an operator id or "me"');
    const page = await withTenant(ctx.sql, p.tenantId, (tx) => listConversations(tx, { ...q, assigneeId }));
    return c.json(page, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/conversations', tags: ['Conversations'], summary: 'Start a conversation from the business side', status: 201, errors: [404],
    body: z.object({ channelId: z.string().uuid(), contact: z.object({ id: z.string().uuid().optional(), externalId: z.string().min(1).max(300).optional(), name: z.string().max(200).optional(),
      email: z.string().email().max(320).optional(), phone: z.string().max(50).optional() }), text: z.string().max(MAX_TEXT).optional(), clientId: z.string().min(1).max(100).optional() }),
    response: z.object({ conversation: ConversationSchema, message: MessageSchema.nullable() }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    const b = c.req.valid('json');
    const result = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      const channel = await getChannel(tx, b.channelId);
      const contact = b.contact.id
        ? await getContact(tx, b.contact.id)
        : b.contact.externalId
          ? (await resolveContactIdentity(tx, p.tenantId, channel.id, b.contact.externalId, b.contact)).contact
          : await createContact(tx, p.tenantId, b.contact);
      const existing = await findActiveConversation(tx, channel.id, contact.id);
      const conversation = existing ?? (await createConversation(tx, { tenantId: p.tenantId, channelId: channel.id, contactId: contact.id, status: p.kind === 'operator' ? 'open' : 'pending' }));
      const sent = b.text?.trim() ? await storeOutbound(tx, p.tenantId, { conversationId: conversation.id, text: b.text, clientId: b.clientId, sender: sender(p) }) : null;
      return { conversation: sent?.conversation ?? conversation, sent, isNew: !existing };
    });
    ctx.bus.publish({ type: result.isNew ? 'conversation:new' : 'conversation:updated', tenantId: p.tenantId, conversation: result.conversation });
    if (result.sent) publishOutbound(ctx, p.tenantId, result.sent);
    return c.json({ conversation: result.conversation, message: result.sent?.message ?? null }, 201);
  });

  app.openapi(route({ method: 'get', path: '/v1/conversations/{id}', tags: ['Conversations'], summary: 'Get a conversation', params: IdParam, response: ConversationSchema }), async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    return c.json(await withTenant(ctx.sql, p.tenantId, (tx) => getConversation(tx, c.req.valid('param').id)), 200);
  });

  app.openapi(route({ method: 'get', path: '/v1/conversations/{id}/messages', tags: ['Conversations'], summary: 'Messages by seq (afterSeq ascending, or beforeSeq for older pages)', params: IdParam,
    query: z.object({ afterSeq: z.coerce.number().int().min(0).optional(), beforeSeq: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    response: z.object({ data: z.array(MessageSchema), nextCursor: z.string().nullable() }) }),
  async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const data = await withTenant(ctx.sql, p.tenantId, async (tx) => {
      await getConversation(tx, id);
      const rows = await listMessages(tx, id, q);
      if (p.kind === 'operator') await markRead(tx, id);
      return rows;
    });
    const full = data.length === q.limit;
    const nextCursor = !full ? null : q.beforeSeq !== undefined ? String(data[0].seq) : String(data[data.length - 1].seq);
    return c.json({ data, nextCursor }, 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/conversations/{id}/messages', tags: ['Conversations'], summary: 'Send as the operator or API caller (clientId makes it idempotent)', params: IdParam, status: 201, body: SendBody, response: MessageSchema }), async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    const b = c.req.valid('json');
    const r = await sendOutbound(ctx, p.tenantId, { conversationId: c.req.valid('param').id, text: b.text, attachments: b.attachments, clientId: b.clientId, sender: sender(p) });
    return c.json(r.message, r.duplicate ? 200 : 201);
  });

  app.openapi(route({ method: 'post', path: '/v1/conversations/{id}/assign', tags: ['Conversations'], summary: 'Assign to an operator (null unassigns)', params: IdParam,
    body: z.object({ operatorId: z.string().uuid().nullable() }), response: ConversationSchema }), async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    return c.json(await assignConversation(ctx, actor(p), c.req.valid('param').id, c.req.valid('json').operatorId), 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/conversations/{id}/handoff', tags: ['Conversations'], summary: 'Hand over to a human or back to the bot', params: IdParam,
    body: z.object({ to: z.enum(['human', 'bot']), reason: z.string().max(200).optional() }), response: ConversationSchema }), async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    const b = c.req.valid('json');
    return c.json(await handoffConversation(ctx, actor(p), c.req.valid('param').id, b.to, b.reason), 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/conversations/{id}/resolve', tags: ['Conversations'], summary: 'Resolve', params: IdParam, response: ConversationSchema }), async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    return c.json(await resolveConversation(ctx, actor(p), c.req.valid('param').id), 200);
  });

  app.openapi(route({ method: 'post', path: '/v1/conversations/{id}/reopen', tags: ['Conversations'], summary: 'Reopen', params: IdParam, response: ConversationSchema }), async (c) => {
    const p = requireTenant(c, { scope: 'conversations' });
    return c.json(await reopenConversation(ctx, actor(p), c.req.valid('param').id), 200);
  });
}
