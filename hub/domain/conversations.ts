// Conversations: one thread between a contact and the tenant on one channel.
// status: bot (the AI agent answers) → pending (waiting for a human) → open (a human owns it) → resolved.
import type { Tx } from '../store/database';
import type { Conversation, ConversationStatus } from '../../sdk/src/types';
import { AppError, notFound } from '../http/errors';

interface ConversationRow {
  id: string;
  tenant_id: string;
  channel_id: string;
  channel_type: Conversation['channelType'];
  contact_id: string;
  contact_name: string | null;
  status: ConversationStatus;
  assignee_id: string | null;
  agent_id: string | null;
  last_seq: number;
  last_message_at: Date | null;
  last_message_text: string | null;
  unread: number;
  created_at: Date;
  updated_at: Date;
}

const SELECT = (tx: Tx) => tx`
  select c.*, ch.type as channel_type, ct.name as contact_name,
    (select m.text from messages m where m.conversation_id = c.id order by m.seq desc limit 1) as last_message_text,
    c.unread_in as unread
  from conversations c join channels ch on ch.id = c.channel_id join contacts ct on ct.id = c.contact_id`;

export function toConversation(r: ConversationRow): Conversation {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    channelId: r.channel_id,
    channelType: r.channel_type,
    contactId: r.contact_id,
    contactName: r.contact_name,
    status: r.status,
    assigneeId: r.assignee_id,
    agentId: r.agent_id,
    lastSeq: r.last_seq,
    lastMessageAt: r.last_message_at?.toISOString() ?? null,
    lastMessageText: r.last_message_text,
    unread: r.unread,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function getConversation(tx: Tx, id: string): Promise<Conversation> {
  const [row] = await tx<ConversationRow[]>`${SELECT(tx)} where c.id = ${id}`;
  if (!row) throw notFound('conversation');
  return toConversation(row);
}

/** Several conversations in one query (missing ids are left out). */
export async function getConversationsByIds(tx: Tx, ids: string[]): Promise<Conversation[]> {
  if (!ids.length) return [];
  const rows = await tx<ConversationRow[]>`${SELECT(tx)} where c.id = any(${ids}::uuid[])`;
  return rows.map(toConversation);
}

export async function createConversation(tx: Tx, input: { tenantId: string; channelId: string; contactId: string; status: ConversationStatus }) {
  const [row] = await tx<{ id: string }[]>`
    insert into conversations (tenant_id, channel_id, contact_id, status)
    values (${input.tenantId}, ${input.channelId}, ${input.contactId}, ${input.status}) returning id`;
  return getConversation(tx, row.id);
}

/** The contact's current (unresolved) conversation on a channel, if any. */
export async function findActiveConversation(tx: Tx, channelId: string, contactId: string): Promise<Conversation | null> {
  const [row] = await tx<ConversationRow[]>`${SELECT(tx)}
    where c.channel_id = ${channelId} and c.contact_id = ${contactId} and c.status <> 'resolved'
    order by c.created_at desc limit 1`;
  return row ? toConversation(row) : null;
}

export interface ListFilter {
  status?: ConversationStatus;
  channelId?: string;
  assigneeId?: string;
  contactId?: string;
  cursor?: string;
  limit: number;
}

// The cursor carries the activity time as integer microseconds since the epoch, computed by
// Postgres: a JS Date keeps only milliseconds, and rows created in one transaction share a
// microsecond timestamp that a millisecond cursor would round below, silently skipping them.
type Cursor = { us: string; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (typeof c.us === 'string' && /^-?\d{1,18}$/.test(c.us) && typeof c.id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(c.id)) return c;
  } catch { /* fall through */ }
  throw new AppError('invalid_request', 'cursor is not valid');
}

/** Newest activity first; keyset pagination on (activity, id), exact to the microsecond. */
export async function listConversations(tx: Tx, f: ListFilter) {
  const cursor = f.cursor ? decodeCursor(f.cursor) : null;
  const rows = await tx<(ConversationRow & { activity_us: string })[]>`
    select x.*, a.activity_us::text as activity_us from (
      ${SELECT(tx)}
      where true
        ${f.status ? tx`and c.status = ${f.status}` : tx``}
        ${f.channelId ? tx`and c.channel_id = ${f.channelId}` : tx``}
        ${f.assigneeId ? tx`and c.assignee_id = ${f.assigneeId}` : tx``}
        ${f.contactId ? tx`and c.contact_id = ${f.contactId}` : tx``}
    ) x
    cross join lateral (select (extract(epoch from coalesce(x.last_message_at, x.created_at)) * 1000000)::bigint as activity_us) a
    ${cursor ? tx`where (a.activity_us, x.id) < (${cursor.us}::bigint, ${cursor.id}::uuid)` : tx``}
    order by a.activity_us desc, x.id desc
    limit ${f.limit + 1}`;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toConversation),
    nextCursor: rows.length > f.limit && last ? encodeCursor({ us: last.activity_us, id: last.id }) : null,
  };
}

export async function updateConversation(
  tx: Tx,
  id: string,
  patch: { status?: ConversationStatus; assigneeId?: string | null; agentId?: string | null; botFailures?: number },
): Promise<Conversation> {
  const rows = await tx`
    update conversations set
      status = ${patch.status ?? tx`status`},
      assignee_id = ${patch.assigneeId === undefined ? tx`assignee_id` : patch.assigneeId},
      agent_id = ${patch.agentId === undefined ? tx`agent_id` : patch.agentId},
      bot_failures = ${patch.botFailures ?? tx`bot_failures`},
      resolved_at = ${patch.status === 'resolved' ? tx`now()` : patch.status ? null : tx`resolved_at`},
      updated_at = now()
    where id = ${id} returning id`;
  if (!rows.length) throw notFound('conversation');
  return getConversation(tx, id);
}

export async function markRead(tx: Tx, id: string): Promise<void> {
  await tx`update conversations set read_seq = last_seq, unread_in = 0 where id = ${id}`;
}

export async function getBotFailures(tx: Tx, id: string): Promise<number> {
  const [r] = await tx<{ bot_failures: number }[]>`select bot_failures from conversations where id = ${id}`;
  return r?.bot_failures ?? 0;
}
