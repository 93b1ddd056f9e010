// Data-subject rights: export everything about a contact; erase it, leaving only an audit entry
// without personal data. Consents are append-only for the app role, so erasure runs as the
// system, always filtered by the tenant and contact it was authorized for.
import type { Sql, Tx } from '../store/database';
import { withTenant } from '../store/tenant';
import { getContact, toContact, consentHistory, contactChannels } from './contacts';
import { listMessages } from './messages';
import { appendAudit } from '../security/audit';
import { enqueueJob } from '../jobs/queue';

export async function exportContact(tx: Tx, contactId: string) {
  const contact = await getContact(tx, contactId);
  const conversations = await tx<{ id: string; channel_id: string; status: string; created_at: Date }[]>`
    select id, channel_id, status, created_at from conversations where contact_id = ${contactId} order by created_at`;
  const withMessages = [];
  for (const c of conversations) {
    withMessages.push({ id: c.id, channelId: c.channel_id, status: c.status, createdAt: c.created_at.toISOString(), messages: await listMessages(tx, c.id, { afterSeq: 0, limit: 1_000_000 }) });
  }
  const memories = await tx<{ id: string; kind: string; content: string; created_at: Date }[]>`
    select id, kind, content, created_at from contact_memories where contact_id = ${contactId} order by created_at`;
  return {
    exportedAt: new Date().toISOString(),
    contact: toContact(contact),
    identities: (await contactChannels(tx, contactId)).map((i) => ({ channelId: i.channel_id, channelType: i.type, externalId: i.external_id, verified: i.verified })),
    consents: await consentHistory(tx, contactId),
    conversations: withMessages,
    memories: memories.map((m) => ({ id: m.id, kind: m.kind, content: m.content, createdAt: m.created_at.toISOString() })),
  };
}

export async function eraseContact(sql: Sql, tenantId: string, contactId: string, actor: { actorType: 'operator' | 'api_key'; actorId: string }) {
  await withTenant(sql, tenantId, (tx) => getContact(tx, contactId)); // 404 unless it is this tenant's
  await sql.begin(async (tx) => {
    const convs = (await tx<{ id: string }[]>`select id from conversations where tenant_id = ${tenantId} and contact_id = ${contactId}`).map((r) => r.id);
    const messageIds = (await tx<{ id: string }[]>`delete from messages where tenant_id = ${tenantId} and conversation_id = any(${convs}::uuid[]) returning id`).map((r) => r.id);
    // Jobs may carry personal data in their payload, done or not: webhook events embed whole
    // messages (text) and conversations (contactName, lastMessageText), agent runs carry ids that
    // lead back here. Any job of this tenant that names the contact or one of its conversations goes.
    await tx`delete from jobs where tenant_id = ${tenantId} and (
               payload->>'conversationId' = any(${convs}::text[])
            or payload->>'contactId' = ${contactId}
            or payload->>'messageId' = any(${messageIds}::text[])
            or payload#>>'{event,data,message,conversationId}' = any(${convs}::text[])
            or payload#>>'{event,data,conversation,id}' = any(${convs}::text[])
            or payload#>>'{event,data,conversation,contactId}' = ${contactId}
            or payload#>>'{event,data,contact,id}' = ${contactId})`;
    await tx`update conversations set meta = '{}'::jsonb where tenant_id = ${tenantId} and contact_id = ${contactId}`;
    await tx`delete from contact_memories where tenant_id = ${tenantId} and contact_id = ${contactId}`;
    await tx`delete from contact_identities where tenant_id = ${tenantId} and contact_id = ${contactId}`;
    await tx`delete from consents where tenant_id = ${tenantId} and contact_id = ${contactId}`;
    await tx`update contacts set name = null, email = null, phone = null, attributes = '{}'::jsonb, anonymized_at = now(), updated_at = now()
             where tenant_id = ${tenantId} and id = ${contactId}`;
  });
  await withTenant(sql, tenantId, (tx) => appendAudit(tx, { tenantId, ...actor, action: 'contact.erased', targetType: 'contact', targetId: contactId }));
}

/** Done jobs of any tenant are kept this long for debugging, then pruned: they may hold message text. */
export const FINISHED_JOB_KEEP_DAYS = 7;

/**
 * Retention: delete messages older than the tenant's retentionDays, and finished jobs (webhook
 * deliveries embed message text and contact names) older than the same limit; done jobs of every
 * tenant go after FINISHED_JOB_KEEP_DAYS. Dead jobs stay visible until the tenant's retention.
 * Run by the scheduled `retention.sweep` job. Returns the number of messages deleted.
 */
export async function applyRetention(sql: Sql): Promise<number> {
  const rows = await sql<{ n: number }[]>`
    with doomed as (
      delete from messages m using tenants t
      where m.tenant_id = t.id and (t.settings->>'retentionDays') is not null
        and m.created_at < now() - make_interval(days => (t.settings->>'retentionDays')::int)
      returning 1)
    select count(*)::int as n from doomed`;
  await sql`
    delete from jobs j using tenants t
    where j.tenant_id = t.id and j.status in ('done', 'dead') and (t.settings->>'retentionDays') is not null
      and j.created_at < now() - make_interval(days => (t.settings->>'retentionDays')::int)`;
  await sql`delete from jobs where status = 'done' and coalesce(finished_at, created_at) < now() - make_interval(days => ${FINISHED_JOB_KEEP_DAYS})`;
  return rows[0]?.n ?? 0;
}

/** Enqueues the retention sweep for the hour of `now`; the idempotency key makes it once per hour across replicas. */
export async function scheduleRetention(sql: Sql, now: Date): Promise<number | null> {
  const hour = now.toISOString().slice(0, 13);
  return enqueueJob(sql, { tenantId: null, kind: 'retention.sweep', idempotencyKey: `retention:${hour}` });
}
