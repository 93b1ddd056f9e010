// Outbound webhooks: tenant subscriptions to events. Each delivery is a durable job enqueued in
// the same transaction as the event, signed with Misy's v1 signature when sent.
import type { Tx } from '../store/database';
import { enqueueJob, type EnqueueInput } from '../jobs/queue';

export const WEBHOOK_EVENTS = ['message.created', 'message.received', 'conversation.updated', 'contact.erased'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export async function enqueueWebhookEvent(tx: Tx, tenantId: string, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
  for (const h of await subscribedWebhooks(tx, event)) await enqueueJob(tx, webhookDeliveryJob(tenantId, h.id, event, data));
}

export function subscribedWebhooks(tx: Tx, event: WebhookEvent): Promise<{ id: string }[]> {
  return tx<{ id: string }[]>`select id from webhooks where enabled and ${event} = any(events)`;
}

/** One delivery of one event to one subscription; the event id makes the job idempotent. */
export function webhookDeliveryJob(tenantId: string, webhookId: string, event: WebhookEvent, data: Record<string, unknown>): EnqueueInput {
  const eventId = crypto.randomUUID();
  return {
    tenantId,
    kind: 'webhook.deliver',
    payload: { webhookId, event: { id: eventId, type: event, createdAt: new Date().toISOString(), data } },
    idempotencyKey: `webhook:${webhookId}:${eventId}`,
  };
}
