// Changing the embedding model is one command: every knowledge chunk and contact memory stored
// with the old model is re-embedded with the new one (here an OpenAI-compatible server), and
// search keeps working on the new vectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../support/db';
import { withTenant } from '../../hub/store/tenant';
import { ingestDocument, reembedAll, searchKnowledge } from '../../agents/knowledge/store';
import { remember } from '../../agents/memory/store';
import { createLocalEmbeddings } from '../../agents/providers/local/embeddings';
import { createOpenAIEmbeddings } from '../../agents/providers/openai/embeddings';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';

let db: Awaited<ReturnType<typeof createTestDb>>;
let fake: FakeOpenAI;

beforeAll(async () => { db = await createTestDb(); fake = await startFakeOpenAI(); });
afterAll(async () => { await fake?.close(); await db?.close(); });

describe('npm run reembed', () => {
  it('moves every vector to the configured model', async () => {
    const local = createLocalEmbeddings();
    const [t] = await db.sql<{ id: string }[]>`insert into tenants (name, slug) values ('R', 'reembed') returning id`;
    await ingestDocument(db.sql, local, t.id, { title: 'Hours', content: 'We open at nine and close at five on weekdays. On Saturdays we open at ten.', format: 'text' });
    const [c] = await withTenant(db.sql, t.id, (tx) => tx<{ id: string }[]>`insert into contacts (tenant_id, name) values (${t.id}, 'Ana') returning id`);
    await withTenant(db.sql, t.id, (tx) => remember(tx, local, { tenantId: t.id, contactId: c.id, content: 'Prefers Saturday pickups' }));

    const remote = createOpenAIEmbeddings({ apiKey: 'sk-test', baseUrl: fake.url, model: 'text-embedding-3-small', timeoutMs: 2000 });
    const progress: number[] = [];
    const n = await reembedAll(db.sql, remote, (done) => progress.push(done));
    expect(n).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe(n);
    const models = await db.sql<{ m: string }[]>`select embedding_model as m from knowledge_chunks union all select embedding_model from contact_memories`;
    expect(new Set(models.map((r) => r.m))).toEqual(new Set(['openai:text-embedding-3-small']));
    expect(fake.requests.filter((r) => r.path.endsWith('/embeddings')).length).toBeGreaterThan(0);
    expect(await reembedAll(db.sql, remote)).toBe(0); // idempotent
    const hits = await searchKnowledge(db.sql, remote, t.id, 'when do you open on saturday', { k: 1 });
    expect(hits[0]?.title).toBe('Hours');
  });
});
