// Chunks are de-duplicated within a document, not across documents: when two documents share a
// paragraph, deleting one must leave the other whole and still findable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../support/db';
import { withTenant } from '../../hub/store/tenant';
import { deleteDocument, ingestDocument, searchKnowledge } from '../../agents/knowledge/store';
import { chunkText, cleanDocument } from '../../agents/knowledge/prepare';
import { createLocalEmbeddings } from '../../agents/providers/local/embeddings';

let db: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db?.close(); });

const SHARED = 'Our returns desk accepts unused kettles within thirty days, with the receipt, for a full refund.';

describe('knowledge chunk de-duplication', () => {
  it('keeps a paragraph document B holds when document A, which holds it too, is deleted', async () => {
    const local = createLocalEmbeddings();
    const [t] = await db.sql<{ id: string }[]>`insert into tenants (name, slug) values ('D', 'dedupe') returning id`;
    const a = await ingestDocument(db.sql, local, t.id, { title: 'Policy A', content: SHARED, format: 'text' });
    // Same paragraph as markdown: another document (its hash includes the format), the same chunk text.
    const b = await ingestDocument(db.sql, local, t.id, { title: 'Policy B', content: SHARED, format: 'markdown' });
    expect(b.duplicate).toBe(false);
    expect(chunkText(cleanDocument(SHARED, 'markdown')).map((c) => c.content)).toEqual(chunkText(cleanDocument(SHARED, 'text')).map((c) => c.content));
    expect(a.chunkCount).toBe(1);
    expect(b.chunkCount).toBe(1); // before the fix B stored nothing: the chunk was A's

    // Shown once in search even though both documents hold it.
    const both = await searchKnowledge(db.sql, local, t.id, 'can I return an unused kettle', { k: 5 });
    expect(both.filter((h) => h.content === both[0].content)).toHaveLength(1);

    await withTenant(db.sql, t.id, (tx) => deleteDocument(tx, a.id));
    const hits = await searchKnowledge(db.sql, local, t.id, 'can I return an unused kettle', { k: 3 });
    expect(hits.map((h) => h.title)).toEqual(['Policy B']);
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from knowledge_chunks where document_id = ${b.id}`;
    expect(n).toBe(1);
  });
});
