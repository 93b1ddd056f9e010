// Messages: per-conversation seq assigned under the conversation's row lock, deduplicated on
// (conversation, clientId) and (channel, externalId) before anything is written.
import type { Tx } from '../store/database';
import type { Attachment, ChannelType, Message, MessageStatus, SenderType } from '../../sdk/src/types';

export interface MessageRow {
  id: string;
  tenant_id: string;
  conversation_id: string;
  seq: number;
  direction: 'in' | 'out';
  sender_type: SenderType;
  sender_id: string | null;
  sender_name: string | null;
  text: string;
  attachments: Attachment[];
  channel_id: string;
  channel_type: ChannelType;
  external_id: string | null;
  client_id: string | null;
  reply_to: string | null;
  status: MessageStatus;
  meta: Record<string, unknown>;
  created_at: Date;
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    conversationId: r.conversation_id,
    seq: r.seq,
    direction: r.direction,
    sender: { type: r.sender_type, id: r.sender_id, ...(r.sender_name ? { name: r.sender_name } : {}) },
    text: r.text,
    attachments: r.attachments,
    channel: { id: r.channel_id, type: r.channel_type, ...(r.external_id ? { externalId: r.external_id } : {}) },
    ...(r.reply_to ? { replyTo: r.reply_to } : {}),
    status: r.status,
    ...(r.client_id ? { clientId: r.client_id } : {}),
    ...(Object.keys(r.meta).length ? { meta: r.meta } : {}),
    createdAt: r.created_at.toISOString(),
  };
}

const SELECT = (tx: Tx) => tx`
  select m.*, c.type as channel_type from messages m join channels c on c.id = m.channel_id`;

export interface AppendInput {
  tenantId: string;
  conversationId: string;
  channelId: string;
  direction: 'in' | 'out';
  sender: { type: SenderType; id: string | null; name?: string | null };
  text: string;
  attachments?: Attachment[];
  externalId?: string | null;
  clientId?: string | null;
  replyTo?: string | null;
  status: MessageStatus;
  meta?: Record<string, unknown>;
}

export type AppendOutcome = { kind: 'stored'; message: Message } | { kind: 'duplicate'; message: Message };

export async function appendMessage(tx: Tx, input: AppendInput): Promise<AppendOutcome> {
  // Lock the conversation first: it serializes seq assignment and makes the dedupe check race-free.
  const [conv] = await tx<{ last_seq: number }[]>`select last_seq from conversations where id = ${input.conversationId} for update`;
  if (!conv) throw new Error(`conversation ${input.conversationId} not found`);
  const existing = await findDuplicate(tx, input);
  if (existing) return { kind: 'duplicate', message: existing };
  const seq = conv.last_seq + 1;
  await tx`update conversations set last_seq = ${seq}, last_message_at = now(), updated_at = now() where id = ${input.conversationId}`;
  const [row] = await tx<MessageRow[]>`
    with inserted as (
      insert into messages (tenant_id, conversation_id, seq, direction, sender_type, sender_id, sender_name, text, attachments,
                            channel_id, external_id, client_id, reply_to, status, meta)
      values (${input.tenantId}, ${input.conversationId}, ${seq}, ${input.direction}, ${input.sender.type}, ${input.sender.id},
              ${input.sender.name ?? null}, ${input.text}, ${tx.json((input.attachments ?? []) as never)}, ${input.channelId},
              ${input.externalId ?? null}, ${input.clientId ?? null}, ${input.replyTo ?? null}, ${input.status},
              ${tx.json((input.meta ?? {}) as never)})
      returning *)
    select i.*, c.type as channel_type from inserted i join channels c on c.id = i.channel_id`;
  return { kind: 'stored', message: toMessage(row) };
}

async function findDuplicate(tx: Tx, input: AppendInput): Promise<Message | null> {
  if (!input.clientId && !input.externalId) return null;
  const [r] = await tx<MessageRow[]>`${SELECT(tx)}
    where (m.conversation_id = ${input.conversationId} and m.client_id = ${input.clientId ?? null})
       or (m.channel_id = ${input.channelId} and m.external_id = ${input.externalId ?? null})
    limit 1`;
  return r ? toMessage(r) : null;
}

export async function findMessageByExternalId(tx: Tx, channelId: string, externalId: string): Promise<Message | null> {
  const [r] = await tx<MessageRow[]>`${SELECT(tx)} where m.channel_id = ${channelId} and m.external_id = ${externalId}`;
  return r ? toMessage(r) : null;
}

export async function listMessages(
  tx: Tx,
  conversationId: string,
  opts: { afterSeq?: number; beforeSeq?: number; limit: number },
): Promise<Message[]> {
  const rows = opts.beforeSeq !== undefined
    ? await tx<MessageRow[]>`${SELECT(tx)} where m.conversation_id = ${conversationId} and m.seq < ${opts.beforeSeq}
                             order by m.seq desc limit ${opts.limit}`
    : await tx<MessageRow[]>`${SELECT(tx)} where m.conversation_id = ${conversationId} and m.seq > ${opts.afterSeq ?? 0}
                             order by m.seq asc limit ${opts.limit}`;
  const messages = rows.map(toMessage);
  return opts.beforeSeq !== undefined ? messages.reverse() : messages;
}

export async function latestMessages(tx: Tx, conversationId: string, limit: number): Promise<Message[]> {
  return listMessages(tx, conversationId, { beforeSeq: 2 ** 31 - 1, limit });
}

export async function setMessageStatus(tx: Tx, id: string, status: MessageStatus, externalId?: string): Promise<Message | null> {
  const [row] = await tx<MessageRow[]>`
    with updated as (
      update messages set status = ${status}, external_id = coalesce(external_id, ${externalId ?? null})
      where id = ${id} returning *)
    select u.*, c.type as channel_type from updated u join channels c on c.id = u.channel_id`;
  return row ? toMessage(row) : null;
}

export async function getMessage(tx: Tx, id: string): Promise<Message | null> {
  const [r] = await tx<MessageRow[]>`${SELECT(tx)} where m.id = ${id}`;
  return r ? toMessage(r) : null;
}
