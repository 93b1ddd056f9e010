// Outbound webhooks: tenant subscriptions to events. Each delivery is a durable job enqueued in
// the same transaction as the event, signed with Misy's v1 signature when sent.
import type { Tx } from '../store/database';
import { enqueueJob } from '../jobs/queue';

export const WEBHOOK_EVENTS = ['message.created', 'message.received', 'conversation.updated', 'contact.erased'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export async function enqueueWebhookEvent(tx: Tx, tenantId: string, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
  const hooks = await tx<{ id: string }[]>`select id from webhooks where enabled and ${event} = any(events)`;
  for (const h of hooks) {
    const eventId = crypto.randomUUID();
    await enqueueJob(tx, {
      tenantId,
      kind: 'webhook.deliver',
      payload: { webhookId: h.id, event: { id: eventId, type: event, createdAt: new Date().toISOString(), data } },
      idempotencyKey: `webhook:${h.id}:${eventId}`,
    });
  }
}
