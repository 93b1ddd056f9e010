// Who owns a conversation: assign, hand over between bot and humans, resolve, reopen.
// Shared by HTTP routes and console sockets; each writes an audit entry and publishes after commit.
import type { HubContext } from '../context';
import type { Conversation } from '../../sdk/src/types';
import { withTenant } from '../store/tenant';
import { getConversation, updateConversation } from './conversations';
import { appendAudit } from '../security/audit';
import { AppError, notFound } from '../http/errors';
import { enqueueJob } from '../jobs/queue';
import { enqueueWebhookEvent } from './webhooks';

export interface Actor { tenantId: string; actorType: 'operator' | 'api_key' | 'system'; actorId: string | null }

async function transition(ctx: HubContext, actor: Actor, id: string, fn: (tx: import('../store/database').Tx, c: Conversation) => Promise<{ conversation: Conversation; action: string; data?: Record<string, unknown> }>) {
  const conversation = await withTenant(ctx.sql, actor.tenantId, async (tx) => {
    const current = await getConversation(tx, id);
    const out = await fn(tx, current);
    await appendAudit(tx, { tenantId: actor.tenantId, actorType: actor.actorType, actorId: actor.actorId, action: out.action, targetType: 'conversation', targetId: id, data: out.data });
    await enqueueWebhookEvent(tx, actor.tenantId, 'conversation.updated', { conversation: out.conversation });
    return out.conversation;
  });
  ctx.bus.publish({ type: 'conversation:updated', tenantId: actor.tenantId, conversation });
  ctx.wakeJobs();
  return conversation;
}

export function assignConversation(ctx: HubContext, actor: Actor, id: string, operatorId: string | null) {
  return transition(ctx, actor, id, async (tx, c) => {
    if (operatorId) {
      const [op] = await tx`select 1 from operators where id = ${operatorId} and disabled_at is null`;
      if (!op) throw notFound('operator');
    }
    const status = operatorId && (c.status === 'bot' || c.status === 'pending') ? 'open' : c.status;
    return { conversation: await updateConversation(tx, id, { assigneeId: operatorId, status }), action: 'conversation.assigned', data: { operatorId } };
  });
}

/**
 * Audit rows outlive erasure, so a handoff reason is recorded as a code, never as the caller's free
 * text (which may name the contact). Known codes pass through; anything else becomes 'other'.
 */
export const HANDOFF_REASON_CODES = ['operator_request', 'tool_call', 'explicit_request', 'low_confidence', 'negative_sentiment', 'repeated_failure', 'turn_limit', 'keyword'] as const;
export function handoffReasonCode(reason: string | undefined): string | undefined {
  if (reason === undefined || reason === '') return undefined;
  return (HANDOFF_REASON_CODES as readonly string[]).includes(reason) ? reason : 'other';
}

/** to 'human': the bot is muted until someone hands back. to 'bot': the agent answers again. */
export function handoffConversation(ctx: HubContext, actor: Actor, id: string, to: 'human' | 'bot', reason?: string) {
  return transition(ctx, actor, id, async (tx, c) => {
    if (c.status === 'resolved') throw new AppError('conflict', 'conversation is resolved; reopen it first');
    const takeOver = actor.actorType === 'operator' ? actor.actorId : null;
    const patch = to === 'human'
      ? { status: takeOver ? ('open' as const) : ('pending' as const), assigneeId: takeOver ?? c.assigneeId }
      : { status: 'bot' as const, assigneeId: null, botFailures: 0 };
    await tx`update conversations set meta = meta - 'pendingReason' where id = ${id}`;
    return { conversation: await updateConversation(tx, id, patch), action: to === 'human' ? 'conversation.handoff_to_human' : 'conversation.handback_to_bot', data: reason ? { reason: handoffReasonCode(reason) } : {} };
  });
}

export function resolveConversation(ctx: HubContext, actor: Actor, id: string) {
  return transition(ctx, actor, id, async (tx, c) => {
    if (c.status === 'resolved') return { conversation: c, action: 'conversation.resolved' };
    const conversation = await updateConversation(tx, id, { status: 'resolved' });
    // Memory summaries and global-store contributions happen after resolution, as a durable job.
    await enqueueJob(tx, { tenantId: actor.tenantId, kind: 'conversation.resolved', payload: { conversationId: id }, idempotencyKey: `resolved:${id}:${c.lastSeq}` });
    return { conversation, action: 'conversation.resolved' };
  });
}

export function reopenConversation(ctx: HubContext, actor: Actor, id: string) {
  return transition(ctx, actor, id, async (tx, c) => {
    if (c.status !== 'resolved') return { conversation: c, action: 'conversation.reopened' };
    return { conversation: await updateConversation(tx, id, { status: c.assigneeId ? 'open' : 'pending' }), action: 'conversation.reopened' };
  });
}
