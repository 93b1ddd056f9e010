// The one door for inbound messages, whatever the channel:
//   authenticate (done by the edge/adapter) → resolve tenant & channel → validate → dedupe
//   → rate-limit → consent → store message + jobs in one transaction → publish.
// Every stage returns a typed outcome; edges (HTTP, socket) map outcomes to responses in one place.
import { z } from 'zod';
import type { HubContext } from '../context';
import type { ChannelRow } from '../domain/channels';
import type { InboundMessage } from '../../channels/adapter';
import type { Conversation, Message } from '../../sdk/src/types';
import { withTenant } from '../store/tenant';
import { appendMessage, findMessageByExternalId } from '../domain/messages';
import { resolveContactIdentity, currentConsents, getContact } from '../domain/contacts';
import { createConversation, findActiveConversation, updateConversation, getConversation } from '../domain/conversations';
import { enqueueJob } from '../jobs/queue';
import { enqueueWebhookEvent } from '../domain/webhooks';

export type Admission =
  | { kind: 'accepted'; message: Message; conversation: Conversation; aiAllowed: boolean } // 200/201
  | { kind: 'duplicate'; message: Message } // 200: already stored, nothing new
  | { kind: 'rejected'; code: 'invalid_request' | 'rate_limited' | 'forbidden'; message: string; retryAfter?: number }; // 4xx

export const MAX_TEXT = 4000;

const attachmentSchema = z.object({
  kind: z.enum(['image', 'audio', 'video', 'file', 'location', 'sticker']),
  url: z.string().url().max(2000).optional(),
  mimeType: z.string().max(200).optional(),
  name: z.string().max(300).optional(),
  size: z.number().int().nonnegative().optional(),
});

export const inboundSchema = z.object({
  kind: z.literal('message'),
  externalId: z.string().min(1).max(300),
  from: z.object({
    externalId: z.string().min(1).max(300),
    name: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
    phone: z.string().max(50).optional(),
  }),
  text: z.string().max(MAX_TEXT),
  attachments: z.array(attachmentSchema).max(10),
  timestamp: z.date().optional(),
  replyToExternalId: z.string().max(300).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
}).refine((m) => m.text.trim().length > 0 || m.attachments.length > 0, 'a message needs text or attachments');

export interface AdmitInput {
  channel: ChannelRow;
  event: InboundMessage;
  /** Set when the edge already knows the contact (an authenticated widget session). */
  contactId?: string;
  clientId?: string;
  verified?: boolean;
}

export async function admitInbound(ctx: HubContext, input: AdmitInput): Promise<Admission> {
  const tenantId = input.channel.tenant_id;
  const parsed = inboundSchema.safeParse(input.event);
  if (!parsed.success) return reject(ctx, 'invalid_request', parsed.error.issues[0].message);
  const event = parsed.data;

  // Cheap dedupe before spending rate-limit budget; the unique index is the real guard.
  const seen = await withTenant(ctx.sql, tenantId, (tx) => findMessageByExternalId(tx, input.channel.id, event.externalId));
  if (seen) return duplicate(ctx, seen);

  const [plan] = await ctx.sql<{ plan: 'free' | 'premium' | 'enterprise' }[]>`select plan from tenants where id = ${tenantId}`;
  for (const [kind, key] of [['tenant', tenantId], ['contact', `${input.channel.id}:${input.contactId ?? event.from.externalId}`]] as const) {
    const verdict = await ctx.limiter.consume(kind, key, plan?.plan ?? 'free');
    if (!verdict.ok) return reject(ctx, 'rate_limited', `too many messages for this ${kind}`, verdict.retryAfterSeconds);
  }

  const requireConsent = (input.channel.config.requireConsent as string[] | undefined) ?? [];
  const result = await withTenant(ctx.sql, tenantId, async (tx) => {
    const contact = input.contactId
      ? await getContact(tx, input.contactId)
      : (await resolveContactIdentity(tx, tenantId, input.channel.id, event.from.externalId, event.from, input.verified)).contact;
    const consents = await currentConsents(tx, contact.id);
    const aiAllowed = requireConsent.every((p) => consents[p as keyof typeof consents]);
    const hasAgent = (await tx`select 1 from agents where enabled limit 1`).length > 0;

    let conversation = await findActiveConversation(tx, input.channel.id, contact.id);
    let isNew = false;
    if (!conversation) {
      conversation = await createConversation(tx, { tenantId, channelId: input.channel.id, contactId: contact.id, status: hasAgent && aiAllowed ? 'bot' : 'pending' });
      if (!aiAllowed) await setPendingReason(tx, conversation.id, 'consent');
      isNew = true;
    }
    const stored = await appendMessage(tx, {
      tenantId,
      conversationId: conversation.id,
      channelId: input.channel.id,
      direction: 'in',
      sender: { type: 'contact', id: contact.id, name: contact.name },
      text: event.text,
      attachments: event.attachments,
      externalId: event.externalId,
      clientId: input.clientId,
      status: 'received',
      meta: event.meta,
    });
    if (stored.kind === 'duplicate') return { kind: 'duplicate' as const, message: stored.message };

    // Consent takes effect on the next message, both ways.
    const reason = await pendingReason(tx, conversation.id);
    if (!aiAllowed && conversation.status === 'bot') {
      await updateConversation(tx, conversation.id, { status: 'pending' });
      await setPendingReason(tx, conversation.id, 'consent');
    } else if (aiAllowed && conversation.status === 'pending' && reason === 'consent' && hasAgent) {
      await updateConversation(tx, conversation.id, { status: 'bot' });
      await setPendingReason(tx, conversation.id, null);
    }
    conversation = await getConversation(tx, conversation.id);
    if (conversation.status === 'bot' && aiAllowed) {
      await enqueueJob(tx, { tenantId, kind: 'agent.reply', payload: { conversationId: conversation.id, messageId: stored.message.id }, idempotencyKey: `agent:${stored.message.id}` });
    }
    await enqueueWebhookEvent(tx, tenantId, 'message.received', { message: stored.message });
    return { kind: 'accepted' as const, message: stored.message, conversation, isNew, aiAllowed };
  });

  if (result.kind === 'duplicate') return duplicate(ctx, result.message);
  ctx.metrics.admissions.inc({ outcome: 'accepted' });
  ctx.metrics.messages.inc({ direction: 'in', channel: input.channel.type });
  ctx.bus.publish({ type: result.isNew ? 'conversation:new' : 'conversation:updated', tenantId, conversation: result.conversation });
  ctx.bus.publish({ type: 'message:new', tenantId, contactId: result.conversation.contactId, message: result.message });
  ctx.wakeJobs();
  return { kind: 'accepted', message: result.message, conversation: result.conversation, aiAllowed: result.aiAllowed };
}

async function pendingReason(tx: import('../store/database').Tx, id: string): Promise<string | null> {
  const [r] = await tx<{ reason: string | null }[]>`select meta->>'pendingReason' as reason from conversations where id = ${id}`;
  return r?.reason ?? null;
}

async function setPendingReason(tx: import('../store/database').Tx, id: string, reason: string | null): Promise<void> {
  await tx`update conversations set meta = ${reason ? tx`jsonb_set(meta, '{pendingReason}', ${tx.json(reason as never)})` : tx`meta - 'pendingReason'`} where id = ${id}`;
}

function reject(ctx: HubContext, code: Extract<Admission, { kind: 'rejected' }>['code'], message: string, retryAfter?: number): Admission {
  ctx.metrics.admissions.inc({ outcome: code });
  return { kind: 'rejected', code, message, retryAfter };
}

function duplicate(ctx: HubContext, message: Message): Admission {
  ctx.metrics.admissions.inc({ outcome: 'duplicate' });
  return { kind: 'duplicate', message };
}
