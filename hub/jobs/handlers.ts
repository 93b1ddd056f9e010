// What each job kind does. Every handler is idempotent: a retry after a crash must not double-send.
import type { HubContext } from '../context';
import type { JobHandler } from './worker';
import type { JobRow } from './queue';
import { withTenant } from '../store/tenant';
import { getMessage, setMessageStatus } from '../domain/messages';
import { getConversation } from '../domain/conversations';
import { channelSecrets, getChannel } from '../domain/channels';
import { adapterFor } from '../../channels/registry';
import { signMisy } from '../security/signatures';
import { applyRetention } from '../domain/privacy';

export type ExtraHandlers = Record<string, (ctx: HubContext, job: JobRow) => Promise<void>>;

export function jobHandlers(ctx: HubContext, extra: ExtraHandlers = {}): Record<string, JobHandler> {
  const bind = (fn: (ctx: HubContext, job: JobRow) => Promise<void>): JobHandler => (job) => fn(ctx, job);
  return {
    'message.deliver': bind(deliverOrFail),
    'webhook.deliver': bind(deliverWebhook),
    'retention.sweep': bind(async (c) => { await applyRetention(c.sql); }),
    ...Object.fromEntries(Object.entries(extra).map(([k, fn]) => [k, bind(fn)])),
  };
}

/**
 * The last attempt's failure dead-letters the job; the message must not stay 'queued' forever
 * (the console and widget would show it as pending): it becomes 'failed', and watchers are told.
 */
async function deliverOrFail(ctx: HubContext, job: JobRow): Promise<void> {
  try {
    await deliverMessage(ctx, job);
  } catch (err) {
    if (job.attempts >= job.max_attempts) await markDeliveryFailed(ctx, job);
    throw err;
  }
}

async function markDeliveryFailed(ctx: HubContext, job: JobRow): Promise<void> {
  const tenantId = job.tenant_id!;
  const messageId = String(job.payload.messageId);
  const failed = await withTenant(ctx.sql, tenantId, async (tx) => {
    const [queued] = await tx`select 1 from messages where id = ${messageId} and status = 'queued'`;
    if (!queued) return null; // sent by an earlier attempt after all, or erased
    const message = await setMessageStatus(tx, messageId, 'failed');
    const [conv] = await tx<{ contact_id: string }[]>`select contact_id from conversations where id = ${message?.conversationId ?? null}`;
    return message && conv ? { message, contactId: conv.contact_id } : null;
  });
  if (failed) {
    ctx.bus.publish({ type: 'message:status', tenantId, contactId: failed.contactId, conversationId: failed.message.conversationId, messageId, seq: failed.message.seq, status: 'failed' });
  }
}

async function deliverMessage(ctx: HubContext, job: JobRow): Promise<void> {
  const tenantId = job.tenant_id!;
  const messageId = String(job.payload.messageId);
  const prepared = await withTenant(ctx.sql, tenantId, async (tx) => {
    const message = await getMessage(tx, messageId);
    if (!message || message.status !== 'queued') return null; // erased, or already sent by an earlier attempt
    const conversation = await getConversation(tx, message.conversationId);
    const channel = await getChannel(tx, message.channel.id);
    const [identity] = await tx<{ external_id: string }[]>`select external_id from contact_identities where contact_id = ${conversation.contactId} and channel_id = ${channel.id} limit 1`;
    const [contact] = await tx<{ email: string | null; phone: string | null; name: string | null }[]>`select email, phone, name from contacts where id = ${conversation.contactId}`;
    return { message, conversation, channel, identity, contact };
  });
  if (!prepared) return;
  const adapter = adapterFor(prepared.channel.type);
  let externalId = prepared.message.id;
  if (adapter.send) {
    const sent = await adapter.send(
      { config: prepared.channel.config, secrets: channelSecrets(prepared.channel, ctx.box) },
      {
        to: { externalId: prepared.identity?.external_id ?? prepared.contact?.email ?? prepared.contact?.phone ?? '', email: prepared.contact?.email ?? undefined, phone: prepared.contact?.phone ?? undefined, name: prepared.contact?.name ?? undefined },
        text: prepared.message.text,
        attachments: prepared.message.attachments,
        idempotencyKey: prepared.message.id,
      },
      { metaGraphUrl: ctx.config.metaGraphUrl, fetch: ctx.fetch },
    );
    externalId = sent.externalId;
  } else if (prepared.channel.type !== 'web') {
    throw new Error(`the ${prepared.channel.type} channel cannot send yet`);
  }
  const updated = await withTenant(ctx.sql, tenantId, (tx) => setMessageStatus(tx, messageId, 'sent', externalId));
  if (updated) {
    ctx.bus.publish({ type: 'message:status', tenantId, contactId: prepared.conversation.contactId, conversationId: updated.conversationId, messageId, seq: updated.seq, status: 'sent' });
  }
}

async function deliverWebhook(ctx: HubContext, job: JobRow): Promise<void> {
  const tenantId = job.tenant_id!;
  const hook = await withTenant(ctx.sql, tenantId, async (tx) => {
    const [row] = await tx<{ url: string; secret: string; enabled: boolean }[]>`select url, secret, enabled from webhooks where id = ${String(job.payload.webhookId)}`;
    return row;
  });
  if (!hook || !hook.enabled) return;
  const body = JSON.stringify(job.payload.event);
  const headers = signMisy(ctx.box.open(hook.secret), body, Math.floor(ctx.now() / 1000));
  const res = await ctx.fetch(hook.url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'user-agent': 'Misy-Webhooks/1', ...headers },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`webhook answered ${res.status}`);
}
