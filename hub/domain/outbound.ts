// Messages from the business side (operator, API caller, AI agent): stored and their delivery
// job enqueued in ONE transaction, published after commit.
import type { HubContext } from '../context';
import type { Tx } from '../store/database';
import type { Attachment, Conversation, Message, SenderType } from '../../sdk/src/types';
import { withTenant } from '../store/tenant';
import { appendMessage } from './messages';
import { getConversation, updateConversation } from './conversations';
import { enqueueJob } from '../jobs/queue';
import { AppError } from '../http/errors';
import { adapterFor } from '../../channels/registry';
import { enqueueWebhookEvent } from './webhooks';
import { appendAudit } from '../security/audit';

export interface OutboundInput {
  conversationId: string;
  text: string;
  attachments?: Attachment[];
  clientId?: string | null;
  sender: { type: Exclude<SenderType, 'contact'>; id: string | null; name?: string | null };
  meta?: Record<string, unknown>;
}

export interface OutboundResult { message: Message; duplicate: boolean; conversation: Conversation; conversationChanged: boolean }

/** Inside a tenant transaction: store + enqueue delivery. */
export async function storeOutbound(tx: Tx, tenantId: string, input: OutboundInput): Promise<OutboundResult> {
  let conversation = await getConversation(tx, input.conversationId);
  const adapter = adapterFor(conversation.channelType);
  const outcome = await appendMessage(tx, {
    tenantId,
    conversationId: conversation.id,
    channelId: conversation.channelId,
    direction: 'out',
    sender: input.sender,
    text: input.text,
    attachments: input.attachments,
    clientId: input.clientId,
    status: adapter.capabilities.outbound ? 'queued' : 'sent',
    meta: input.meta,
  });
  if (outcome.kind === 'duplicate') return { message: outcome.message, duplicate: true, conversation, conversationChanged: false };
  let conversationChanged = false;
  // A human writing into a bot-run or waiting conversation takes it over.
  if (input.sender.type === 'operator' && (conversation.status === 'bot' || conversation.status === 'pending' || conversation.status === 'resolved')) {
    const from = conversation.status;
    conversation = await updateConversation(tx, conversation.id, { status: 'open', assigneeId: conversation.assigneeId ?? input.sender.id });
    conversationChanged = true;
    // An implicit handoff is still a handoff: audited like the explicit one.
    await appendAudit(tx, { tenantId, actorType: 'operator', actorId: input.sender.id, action: 'conversation.taken_over', targetType: 'conversation', targetId: conversation.id,
      data: { from, assigneeId: conversation.assigneeId } });
  } else {
    conversation = await getConversation(tx, conversation.id);
  }
  if (adapter.capabilities.outbound) {
    await enqueueJob(tx, { tenantId, kind: 'message.deliver', payload: { messageId: outcome.message.id }, idempotencyKey: `deliver:${outcome.message.id}` });
  }
  await enqueueWebhookEvent(tx, tenantId, 'message.created', { message: outcome.message });
  return { message: outcome.message, duplicate: false, conversation, conversationChanged };
}

export function publishOutbound(ctx: HubContext, tenantId: string, r: OutboundResult): void {
  if (r.duplicate) return;
  ctx.metrics.messages.inc({ direction: 'out', channel: r.message.channel.type });
  ctx.bus.publish({ type: 'message:new', tenantId, contactId: r.conversation.contactId, message: r.message });
  ctx.bus.publish({ type: 'conversation:updated', tenantId, conversation: r.conversation });
  ctx.wakeJobs();
}

export async function sendOutbound(ctx: HubContext, tenantId: string, input: OutboundInput): Promise<OutboundResult> {
  if (!input.text.trim() && !input.attachments?.length) throw new AppError('invalid_request', 'text or attachments required');
  const result = await withTenant(ctx.sql, tenantId, (tx) => storeOutbound(tx, tenantId, input));
  publishOutbound(ctx, tenantId, result);
  return result;
}
