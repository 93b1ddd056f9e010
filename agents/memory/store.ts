// Contact memory: short facts and summaries about one end user, embedded so the most relevant
// come back into the agent's context next time. Always read inside the tenant's RLS scope and
// filtered by contact, so an agent can never see another contact's memories.
import type { Tx } from '../../hub/store/database';
import type { EmbeddingProvider } from '../providers/types';
import { toVector, vectorOrderBy } from '../knowledge/store';
import { redact, type PiiKind } from '../privacy/redact';

const NEVER_REMEMBERED: PiiKind[] = ['card', 'iban'];

export interface Memory { id: string; kind: 'fact' | 'summary'; content: string; createdAt: string; similarity?: number }

const MAX_MEMORY_CHARS = 500;
const MAX_MEMORIES_PER_CONTACT = 200;

export async function remember(tx: Tx, embeddings: EmbeddingProvider, input: { tenantId: string; contactId: string; content: string; kind?: 'fact' | 'summary'; conversationId?: string | null }): Promise<Memory | null> {
  // A model may try to remember a card number or an IBAN the user typed: memory is not a vault.
  const content = redact(input.content, { kinds: NEVER_REMEMBERED }).text.replace(/\s+/g, ' ').trim().slice(0, MAX_MEMORY_CHARS);
  if (!content) return null;
  // The same fact twice is one memory.
  const [dup] = await tx<{ id: string }[]>`select id from contact_memories where contact_id = ${input.contactId} and lower(content) = lower(${content}) limit 1`;
  if (dup) return null;
  const [vector] = await embeddings.embed([content]);
  const [row] = await tx<{ id: string; kind: 'fact' | 'summary'; content: string; created_at: Date }[]>`
    insert into contact_memories (tenant_id, contact_id, kind, content, embedding, embedding_model, conversation_id)
    values (${input.tenantId}, ${input.contactId}, ${input.kind ?? 'fact'}, ${content}, ${toVector(vector)}::vector, ${embeddings.model}, ${input.conversationId ?? null})
    returning id, kind, content, created_at`;
  // Bounded per contact: the oldest go first.
  await tx`delete from contact_memories where id in (
    select id from contact_memories where contact_id = ${input.contactId} order by created_at desc offset ${MAX_MEMORIES_PER_CONTACT})`;
  return { id: row.id, kind: row.kind, content: row.content, createdAt: row.created_at.toISOString() };
}

export async function recall(tx: Tx, contactId: string, vector: number[], k = 5): Promise<Memory[]> {
  // A contact has at most a few hundred memories: exact distances over its rows (found by the
  // contact index) beat a filtered walk of the shared HNSW graph, with full recall.
  const rows = await tx<{ id: string; kind: 'fact' | 'summary'; content: string; created_at: Date; similarity: number }[]>`
    select id, kind, content, created_at, (1 - (embedding <=> ${toVector(vector)}::vector))::float8 as similarity
    from contact_memories where contact_id = ${contactId}
    order by ${vectorOrderBy(tx, true, vector)} limit ${k}`;
  return rows.map((r) => ({ id: r.id, kind: r.kind, content: r.content, createdAt: r.created_at.toISOString(), similarity: r.similarity }));
}

export async function listMemories(tx: Tx, contactId: string): Promise<Memory[]> {
  const rows = await tx<{ id: string; kind: 'fact' | 'summary'; content: string; created_at: Date }[]>`
    select id, kind, content, created_at from contact_memories where contact_id = ${contactId} order by created_at desc limit 50`;
  return rows.map((r) => ({ id: r.id, kind: r.kind, content: r.content, createdAt: r.created_at.toISOString() }));
}
