// The store step of admission for a whole batch of inbound messages of one tenant, in one
// transaction and a fixed number of set-based statements whatever the batch size:
// contacts → consents → active conversations (created when missing) → row locks in id order →
// dedupe on (conversation, clientId) and (channel, externalId) → seq → insert → consent-driven
// status changes → outbox jobs (agent replies, outbound webhooks).
import type { Tx } from '../store/database';
import type { ChannelRow } from '../domain/channels';
import type { Conversation, ConversationStatus, Message } from '../../sdk/src/types';
import type { InboundMessage } from '../../channels/adapter';
import { toMessage, type MessageRow } from '../domain/messages';
import { resolveContactIdentity } from '../domain/contacts';
import { getConversationsByIds } from '../domain/conversations';
import { insertJobs, type EnqueueInput } from '../jobs/insert-many';
import { subscribedWebhooks, webhookDeliveryJob } from '../domain/webhooks';

export interface AdmissionItem {
  channel: ChannelRow;
  event: InboundMessage;
  /** Set when the edge already knows the contact (an authenticated widget session). */
  contactId?: string;
  clientId?: string;
  verified?: boolean;
}

export type StoredAdmission =
  | { kind: 'accepted'; message: Message; conversation: Conversation; isNew: boolean; aiAllowed: boolean }
  | { kind: 'duplicate'; message: Message }
  | { kind: 'rejected'; code: 'forbidden'; message: string };

interface Open { id: string; status: ConversationStatus; reason: string | null; isNew: boolean }

const requiredConsents = (channel: ChannelRow) => (channel.config.requireConsent as string[] | undefined) ?? [];

export async function storeAdmissions(tx: Tx, tenantId: string, items: AdmissionItem[]): Promise<StoredAdmission[]> {
  const out: (StoredAdmission | undefined)[] = new Array(items.length);

  // Contacts: token-bound ids are looked up together; channel identities resolve one by one.
  const contactOf: { id: string; name: string | null }[] = [];
  const knownIds = [...new Set(items.flatMap((i) => (i.contactId ? [i.contactId] : [])))];
  const known = new Map((knownIds.length
    ? await tx<{ id: string; name: string | null }[]>`select id, name from contacts where id = any(${knownIds}::uuid[])`
    : []).map((r) => [r.id, r]));
  for (const [i, item] of items.entries()) {
    const contact = item.contactId
      ? known.get(item.contactId)
      : (await resolveContactIdentity(tx, tenantId, item.channel.id, item.event.from.externalId, item.event.from, item.verified)).contact;
    if (contact) contactOf[i] = contact;
    else out[i] = { kind: 'rejected', code: 'forbidden', message: 'this visitor no longer exists' };
  }
  const live = items.flatMap((_, i) => (out[i] ? [] : [i]));
  if (!live.length) return out as StoredAdmission[];

  // Consent as of now: it takes effect on this message, both ways.
  const contactIds = [...new Set(live.map((i) => contactOf[i].id))];
  const [grants, [{ has_agent: hasAgent }]] = await Promise.all([
    tx<{ contact_id: string; purpose: string }[]>`
      select contact_id, purpose from (
        select distinct on (contact_id, purpose) contact_id, purpose, granted from consents
        where contact_id = any(${contactIds}::uuid[]) order by contact_id, purpose, id desc) latest
      where granted`,
    tx<{ has_agent: boolean }[]>`select exists (select 1 from agents where enabled) as has_agent`,
  ]);
  const granted = new Set(grants.map((g) => `${g.contact_id}:${g.purpose}`));
  const aiAllowed = (i: number) => requiredConsents(items[i].channel).every((p) => granted.has(`${contactOf[i].id}:${p}`));

  // The contact's open conversation on the channel, or a new one.
  const pairKey = (i: number) => `${items[i].channel.id}:${contactOf[i].id}`;
  const pairs = [...new Map(live.map((i) => [pairKey(i), i])).values()];
  const found = await tx<{ id: string; channel_id: string; contact_id: string; status: ConversationStatus; reason: string | null }[]>`
    select distinct on (channel_id, contact_id) id, channel_id, contact_id, status, meta->>'pendingReason' as reason
    from conversations
    where (channel_id, contact_id) in (select * from unnest(${pairs.map((i) => items[i].channel.id)}::uuid[], ${pairs.map((i) => contactOf[i].id)}::uuid[]))
      and status <> 'resolved'
    order by channel_id, contact_id, created_at desc`;
  const open = new Map<string, Open>(found.map((r) => [`${r.channel_id}:${r.contact_id}`, { id: r.id, status: r.status, reason: r.reason, isNew: false }]));
  for (const i of pairs) {
    if (open.has(pairKey(i))) continue;
    const allowed = aiAllowed(i);
    const status: ConversationStatus = hasAgent && allowed ? 'bot' : 'pending';
    const [row] = await tx<{ id: string }[]>`
      insert into conversations (tenant_id, channel_id, contact_id, status, meta)
      values (${tenantId}, ${items[i].channel.id}, ${contactOf[i].id}, ${status}, ${tx.json(allowed ? {} : { pendingReason: 'consent' })})
      returning id`;
    open.set(pairKey(i), { id: row.id, status, reason: allowed ? null : 'consent', isNew: true });
  }
  const convOf = (i: number) => open.get(pairKey(i))!;

  // Lock in id order so concurrent batches (other replicas, operator sends) never deadlock;
  // under the lock the dedupe check and the seq assignment are race-free.
  const convIds = [...new Set(live.map((i) => convOf(i).id))].sort();
  const locked = await tx<{ id: string; last_seq: number }[]>`
    select id, last_seq from conversations where id = any(${convIds}::uuid[]) order by id for update`;
  const lastSeq = new Map(locked.map((r) => [r.id, r.last_seq]));

  const clientKey = (conv: string, clientId: string) => `c:${conv}:${clientId}`;
  const externalKey = (channel: string, externalId: string) => `e:${channel}:${externalId}`;
  const withClient = live.filter((i) => items[i].clientId);
  const stored = await tx<MessageRow[]>`
    select m.*, c.type as channel_type from messages m join channels c on c.id = m.channel_id
    where (m.conversation_id, m.client_id) in (select * from unnest(${withClient.map((i) => convOf(i).id)}::uuid[], ${withClient.map((i) => items[i].clientId!)}::text[]))
    union
    select m.*, c.type as channel_type from messages m join channels c on c.id = m.channel_id
    where (m.channel_id, m.external_id) in (select * from unnest(${live.map((i) => items[i].channel.id)}::uuid[], ${live.map((i) => items[i].event.externalId)}::text[]))`;
  const seen = new Map<string, Message | number>(); // a stored message, or the batch index that will store it
  for (const r of stored) {
    const m = toMessage(r);
    if (r.client_id) seen.set(clientKey(r.conversation_id, r.client_id), m);
    if (r.external_id) seen.set(externalKey(r.channel_id, r.external_id), m);
  }

  const fresh: number[] = [];
  const duplicateOf = new Map<number, Message | number>();
  const rows: Record<string, unknown>[] = [];
  for (const i of live) {
    const item = items[i];
    const conv = convOf(i);
    const keys = [externalKey(item.channel.id, item.event.externalId), ...(item.clientId ? [clientKey(conv.id, item.clientId)] : [])];
    const prior = keys.map((k) => seen.get(k)).find((v) => v !== undefined);
    if (prior !== undefined) { duplicateOf.set(i, prior); continue; }
    keys.forEach((k) => seen.set(k, i));
    const seq = lastSeq.get(conv.id)! + 1;
    lastSeq.set(conv.id, seq);
    fresh.push(i);
    rows.push({
      tenant_id: tenantId, conversation_id: conv.id, seq, direction: 'in', sender_type: 'contact', sender_id: contactOf[i].id,
      sender_name: contactOf[i].name, text: item.event.text, attachments: item.event.attachments, channel_id: item.channel.id,
      external_id: item.event.externalId, client_id: item.clientId ?? null, status: 'received', meta: item.event.meta ?? {},
    });
  }

  const messageOf = new Map<number, Message>();
  if (rows.length) {
    const touched = [...new Set(fresh.map((i) => convOf(i).id))];
    await tx`
      update conversations c set last_seq = v.seq, last_message_at = now(), updated_at = now()
      from unnest(${touched}::uuid[], ${touched.map((id) => lastSeq.get(id)!)}::int[]) as v(id, seq) where c.id = v.id`;
    const inserted = await tx<MessageRow[]>`
      insert into messages (tenant_id, conversation_id, seq, direction, sender_type, sender_id, sender_name, text,
                            attachments, channel_id, external_id, client_id, status, meta)
      select * from jsonb_to_recordset(${tx.json(rows as never)}) as x(tenant_id uuid, conversation_id uuid, seq int,
        direction text, sender_type text, sender_id text, sender_name text, text text, attachments jsonb, channel_id uuid,
        external_id text, client_id text, status text, meta jsonb)
      returning *`;
    const bySeq = new Map(inserted.map((r) => [`${r.conversation_id}:${r.seq}`, r]));
    fresh.forEach((i, n) => {
      const r = bySeq.get(`${rows[n].conversation_id}:${rows[n].seq}`)!;
      messageOf.set(i, toMessage({ ...r, channel_type: items[i].channel.type }));
    });
  }

  // Consent-driven status changes, once per conversation that received something new.
  for (const i of new Map(fresh.map((i) => [convOf(i).id, i])).values()) {
    const conv = convOf(i);
    if (!aiAllowed(i) && conv.status === 'bot') {
      await tx`update conversations set status = 'pending', meta = jsonb_set(meta, '{pendingReason}', '"consent"'), updated_at = now() where id = ${conv.id}`;
      Object.assign(conv, { status: 'pending', reason: 'consent' });
    } else if (aiAllowed(i) && conv.status === 'pending' && conv.reason === 'consent' && hasAgent) {
      await tx`update conversations set status = 'bot', meta = meta - 'pendingReason', updated_at = now() where id = ${conv.id}`;
      Object.assign(conv, { status: 'bot', reason: null });
    }
  }

  const jobs: EnqueueInput[] = [];
  const hooks = fresh.length ? await subscribedWebhooks(tx, 'message.received') : [];
  for (const i of fresh) {
    const message = messageOf.get(i)!;
    if (convOf(i).status === 'bot' && aiAllowed(i)) {
      jobs.push({ tenantId, kind: 'agent.reply', payload: { conversationId: message.conversationId, messageId: message.id }, idempotencyKey: `agent:${message.id}` });
    }
    for (const h of hooks) jobs.push(webhookDeliveryJob(tenantId, h.id, 'message.received', { message }));
  }
  await insertJobs(tx, jobs);

  const conversations = new Map((await getConversationsByIds(tx, [...new Set(fresh.map((i) => convOf(i).id))])).map((c) => [c.id, c]));
  for (const i of live) {
    const dup = duplicateOf.get(i);
    if (dup !== undefined) {
      out[i] = { kind: 'duplicate', message: typeof dup === 'number' ? messageOf.get(dup)! : dup };
      continue;
    }
    const conv = convOf(i);
    out[i] = { kind: 'accepted', message: messageOf.get(i)!, conversation: conversations.get(conv.id)!, isNew: conv.isNew, aiAllowed: aiAllowed(i) };
  }
  return out as StoredAdmission[];
}
