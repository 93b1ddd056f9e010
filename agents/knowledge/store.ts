// Knowledge in pgvector: ingest (clean → chunk → dedupe → embed → store) and hybrid search
// (HNSW vector similarity fused with full-text rank by reciprocal rank fusion), always inside
// the tenant's RLS scope.
import type { Sql, Tx } from '../../hub/store/database';
import { withTenant } from '../../hub/store/tenant';
import type { EmbeddingProvider } from '../providers/types';
import { contentHash } from '../providers/local/embeddings';
import { contentTerms } from '../text';
import { synonymsOf, normalizePhrases } from '../synonyms';
import { chunkText, cleanDocument, type DocFormat } from './prepare';

export interface DocumentInput { title: string; content: string; format: DocFormat; source?: string | null }
export interface DocumentRow { id: string; title: string; source: string | null; format: DocFormat; status: string; chunk_count: number; created_at: Date }

export const toVector = (v: number[]) => `[${v.map((x) => (Number.isFinite(x) ? x.toFixed(6) : '0')).join(',')}]`;
export const searchText = (s: string) => contentTerms(s).join(' ');

export function presentDocument(d: DocumentRow, duplicate = false) {
  return { id: d.id, title: d.title, source: d.source, format: d.format, status: d.status, chunkCount: d.chunk_count, createdAt: d.created_at.toISOString(), duplicate };
}

export async function ingestDocument(sql: Sql, embeddings: EmbeddingProvider, tenantId: string, doc: DocumentInput) {
  const hash = contentHash(`${doc.format}\n${doc.content}`);
  const [existing] = await withTenant(sql, tenantId, (tx) => tx<DocumentRow[]>`select * from knowledge_documents where content_hash = ${hash}`);
  if (existing) return presentDocument(existing, true);

  const chunks = chunkText(cleanDocument(doc.content, doc.format));
  const unique = [...new Map(chunks.map((c) => [contentHash(c.content), c])).entries()];
  // Embedding can be slow (a remote model): do it before the transaction, not inside it.
  const vectors = unique.length ? await embeddings.embed(unique.map(([, c]) => c.content)) : [];
  const row = await withTenant(sql, tenantId, async (tx) => {
    const [d] = await tx<DocumentRow[]>`
      insert into knowledge_documents (tenant_id, title, source, format, content, content_hash, status)
      values (${tenantId}, ${doc.title}, ${doc.source ?? null}, ${doc.format}, ${doc.content}, ${hash}, 'ready')
      on conflict (tenant_id, content_hash) do nothing returning *`;
    if (!d) return (await tx<DocumentRow[]>`select * from knowledge_documents where content_hash = ${hash}`)[0];
    let stored = 0;
    for (const [i, [h, c]] of unique.entries()) {
      const r = await tx`
        insert into knowledge_chunks (tenant_id, document_id, idx, content, content_hash, embedding, embedding_model, search_text)
        values (${tenantId}, ${d.id}, ${c.index}, ${c.content}, ${h}, ${toVector(vectors[i])}::vector, ${embeddings.model}, ${searchText(c.content)})
        on conflict (document_id, content_hash) do nothing returning id`;
      stored += r.length;
    }
    const [updated] = await tx<DocumentRow[]>`update knowledge_documents set chunk_count = ${stored} where id = ${d.id} returning *`;
    return updated;
  });
  return presentDocument(row);
}

export async function listDocuments(tx: Tx) {
  return (await tx<DocumentRow[]>`select id, title, source, format, status, chunk_count, created_at from knowledge_documents order by created_at`).map((d) => presentDocument(d));
}

export async function deleteDocument(tx: Tx, id: string): Promise<boolean> {
  return (await tx`delete from knowledge_documents where id = ${id} returning id`).length > 0;
}

export interface KnowledgeHit {
  chunkId: string;
  documentId: string;
  title: string;
  source: string | null;
  content: string;
  score: number;
  similarity: number;
  vectorRank: number | null;
  textRank: number | null;
}

/** OR-query over the question's folded, stemmed terms (and their synonyms), each as a prefix. */
export function toTsQuery(query: string): string | null {
  // Each term with its customer-service synonyms ("amex" finds "American Express").
  // Long words also match by their first five letters: English and Spanish share many roots
  // ("descalcificar"/"descale", "garantía"/"guarantee" do not, but "reembolso"/"reembolsar" do).
  const terms = [...new Set(contentTerms(normalizePhrases(query)).flatMap((t) => [...synonymsOf(t), ...(t.length >= 8 ? [t.slice(0, 5)] : [])]))]
    .filter((t) => /^[a-z0-9ñ]+$/.test(t)).slice(0, 64);
  return terms.length ? terms.map((t) => `${t}:*`).join(' | ') : null;
}

/**
 * Below this many chunks a tenant is searched exactly (its rows found by the tenant index, every
 * distance computed): faster than walking the shared HNSW graph for a few matches, and full
 * recall. Above it, HNSW with iterative scans. (bench/vector measures both.)
 */
export const EXACT_SEARCH_MAX_CHUNKS = 5000;

/**
 * Before a vector search: whether the tenant is small enough to search exactly, and for HNSW,
 * iterative scans for this transaction (filtered scans keep walking the graph until enough rows
 * of *this* tenant are found). The size is remembered for a while: most tenants are small, and
 * for them the search is then a single round trip. A stale size only picks the slower plan,
 * never a wrong answer.
 */
export async function prepareVectorSearch(tx: Tx, tenantId: string): Promise<{ exact: boolean }> {
  const cached = tenantSizes.get(tenantId);
  if (cached && Date.now() - cached.at < SIZE_TTL_MS) {
    if (!cached.exact) await enableIterativeScan(tx);
    return { exact: cached.exact };
  }
  const [r] = await tx<{ n: number }[]>`
    select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true),
      (select coalesce(sum(chunk_count), 0)::int from knowledge_documents where tenant_id = ${tenantId}) as n`;
  const exact = r.n <= EXACT_SEARCH_MAX_CHUNKS;
  tenantSizes.set(tenantId, { exact, at: Date.now() });
  return { exact };
}

const SIZE_TTL_MS = 30_000;
const tenantSizes = new Map<string, { exact: boolean; at: number }>();

async function enableIterativeScan(tx: Tx): Promise<void> {
  await tx`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)`;
}

/** ORDER BY for nearest chunks: `+ 0` makes the expression one the vector index cannot serve. */
export function vectorOrderBy(tx: Tx, exact: boolean, vector: number[]) {
  return exact ? tx`(embedding <=> ${toVector(vector)}::vector) + 0` : tx`embedding <=> ${toVector(vector)}::vector`;
}

export async function searchKnowledgeTx(tx: Tx, tenantId: string, vector: number[], query: string, k = 5, pool = 40): Promise<KnowledgeHit[]> {
  const { exact } = await prepareVectorSearch(tx, tenantId);
  const tsq = toTsQuery(query);
  const rows = await tx<(KnowledgeHit & { vector_rank: number | null; text_rank: number | null; chunk_id: string; document_id: string })[]>`
    with v as (
      select id, dist, row_number() over (order by dist) as r from (
        select id, embedding <=> ${toVector(vector)}::vector as dist from knowledge_chunks
        where tenant_id = ${tenantId} order by ${vectorOrderBy(tx, exact, vector)} limit ${pool}) s
    ), t as (
      select id, row_number() over (order by rank desc) as r from (
        select id, ts_rank_cd(tsv, q) as rank from knowledge_chunks, to_tsquery('simple', ${tsq ?? ''}) q
        where ${tsq !== null} and tenant_id = ${tenantId} and tsv @@ q order by rank desc limit ${pool}) s
    ), ids as (select id from v union select id from t)
    select c.id as chunk_id, c.document_id, d.title, d.source, c.content,
      v.r::int as vector_rank, t.r::int as text_rank,
      coalesce(1 - v.dist, 0)::float8 as similarity,
      (coalesce(1.0 / (60 + v.r), 0) + coalesce(1.0 / (60 + t.r), 0))::float8 as score
    from ids join knowledge_chunks c on c.id = ids.id join knowledge_documents d on d.id = c.document_id
    left join v on v.id = ids.id left join t on t.id = ids.id
    order by score desc, similarity desc limit ${k * 2}`;
  // The same paragraph in two documents is two chunks (each document owns its own): show it once.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.content) && !!seen.add(r.content)).slice(0, k).map((r) => ({ chunkId: r.chunk_id, documentId: r.document_id, title: r.title, source: r.source, content: r.content, score: r.score, similarity: r.similarity, vectorRank: r.vector_rank, textRank: r.text_rank }));
}

export async function searchKnowledge(sql: Sql, embeddings: EmbeddingProvider, tenantId: string, query: string, opts: { k?: number } = {}): Promise<KnowledgeHit[]> {
  const [vector] = await embeddings.embed([query]);
  return withTenant(sql, tenantId, (tx) => searchKnowledgeTx(tx, tenantId, vector, query, opts.k ?? 5));
}

/**
 * Re-embeds every knowledge chunk, contact memory and global entry stored with another embedding
 * model than the configured one (after MISY_EMBEDDING_MODEL changes), so all vectors stay
 * comparable. Global entries are embedded by their question, as when they were contributed.
 * Runs on the system connection: it spans tenants by design.
 */
export async function reembedAll(sql: Sql, embeddings: EmbeddingProvider, onProgress?: (done: number, total: number) => void): Promise<number> {
  const sources = [
    { table: 'knowledge_chunks', text: 'content' },
    { table: 'contact_memories', text: 'content' },
    { table: 'global_entries', text: 'question' },
  ] as const;
  const stale: { table: (typeof sources)[number]['table']; id: string; content: string }[] = [];
  for (const { table, text } of sources) {
    const rows = await sql<{ id: string; content: string }[]>`select id, ${sql(text)} as content from ${sql(table)} where embedding_model <> ${embeddings.model} order by id`;
    stale.push(...rows.map((r) => ({ table, ...r })));
  }
  for (let i = 0; i < stale.length; i += REEMBED_BATCH) {
    const batch = stale.slice(i, i + REEMBED_BATCH);
    const vectors = await embeddings.embed(batch.map((c) => c.content));
    await sql.begin(async (tx) => {
      for (const [j, c] of batch.entries()) {
        await tx`update ${tx(c.table)} set embedding = ${toVector(vectors[j])}::vector, embedding_model = ${embeddings.model} where id = ${c.id}`;
      }
    });
    onProgress?.(Math.min(i + REEMBED_BATCH, stale.length), stale.length);
  }
  return stale.length;
}

const REEMBED_BATCH = 64;
