// Changing the embedding model is one command: the real `npm run reembed` CLI, as a child process,
// moves every knowledge chunk, contact memory and global entry from the local embeddings to an
// OpenAI-compatible server's; each vector becomes exactly what the new model says for its text,
// and search still finds the right document among several.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, createTenantViaApi } from '../support/hub';
import { spawnTsx } from '../support/process';
import { startFakeOpenAI, fakeEmbedding } from '../support/fake-openai';
import { withTenant } from '../../hub/store/tenant';
import { remember } from '../../agents/memory/store';
import { toVector } from '../../agents/knowledge/store';
import { createLocalEmbeddings } from '../../agents/providers/local/embeddings';

const SECRET = 'reembed-test-secret-0123456789abcdefghij';
const DOCS = {
  Hours: 'We open at nine and close at five on weekdays. On Saturdays we open at ten.',
  Shipping: 'Parcels ship within two business days by courier; tracking numbers arrive by e-mail.',
  Returns: 'Unused items can be returned within thirty days for a full refund to the original card.',
  Warranty: 'Every kettle has a two year warranty covering the heating element and the lid hinge.',
};
type Row = { table: string; id: string; text: string; model: string; vec: string };

describe('npm run reembed', () => {
  it('moves every chunk, memory and global entry to the configured model; search still finds the right doc', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'misy-reembed-'));
    const fake = await startFakeOpenAI();
    const local = createLocalEmbeddings();
    const hub = await startTestHub({ MISY_SECRET: SECRET }, { dataDir });
    const T = await createTenantViaApi(hub, 'reembed');
    for (const [title, content] of Object.entries(DOCS)) {
      expect((await hub.api('/v1/knowledge', { token: T.apiKey, body: { title, content, format: 'text' } })).status).toBe(201);
    }
    await withTenant(hub.ctx.sql, T.tenantId, async (tx) => {
      const [c] = await tx<{ id: string }[]>`insert into contacts (tenant_id, name) values (${T.tenantId}, 'Ana') returning id`;
      await remember(tx, local, { tenantId: T.tenantId, contactId: c.id, content: 'Prefers Saturday pickups' });
      await remember(tx, local, { tenantId: T.tenantId, contactId: c.id, content: 'Mentioned order number A-12345' });
    });
    const [q] = await local.embed(['Do you deliver on Sundays?']);
    await hub.ctx.sql`insert into global_entries (question, answer, content_hash, embedding, embedding_model, contributor_hashes)
      values ('Do you deliver on Sundays?', 'No, only on weekdays.', 'h-sunday', ${toVector(q)}::vector, ${local.model}, ${['a', 'b', 'c']})`;
    const snapshot = () => hub.ctx.sql<Row[]>`
      select 'knowledge_chunks' as table, id, content as text, embedding_model as model, embedding::text as vec from knowledge_chunks
      union all select 'contact_memories', id, content, embedding_model, embedding::text from contact_memories
      union all select 'global_entries', id, question, embedding_model, embedding::text from global_entries order by 1, 2`;
    const before = await snapshot();
    expect(before.length).toBeGreaterThanOrEqual(7);
    expect(new Set(before.map((r) => r.model))).toEqual(new Set([local.model]));
    await hub.close();

    const env = { DATA_DIR: dataDir, MISY_SECRET: SECRET, LOG_LEVEL: 'silent', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, MISY_EMBEDDING_MODEL: 'text-embedding-3-small' };
    const run = spawnTsx('hub/cli/reembed.ts', [], env);
    await new Promise((r) => run.proc.once('exit', r));
    expect(run.proc.exitCode, run.output()).toBe(0);
    expect(run.output()).toContain(`re-embedded ${before.length} rows with openai:text-embedding-3-small`);
    expect(fake.requests.filter((r) => r.path === '/v1/embeddings').length).toBeGreaterThan(0);

    const again = await startTestHub({ MISY_SECRET: SECRET, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, MISY_EMBEDDING_MODEL: 'text-embedding-3-small' }, { dataDir });
    try {
      const after = await again.ctx.sql<Row[]>`
        select 'knowledge_chunks' as table, id, content as text, embedding_model as model, embedding::text as vec from knowledge_chunks
        union all select 'contact_memories', id, content, embedding_model, embedding::text from contact_memories
        union all select 'global_entries', id, question, embedding_model, embedding::text from global_entries order by 1, 2`;
      expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
      for (const [i, row] of after.entries()) {
        expect(row.model, row.text).toBe('openai:text-embedding-3-small');
        expect(row.vec, row.text).not.toBe(before[i].vec);
        const vec = JSON.parse(row.vec) as number[];
        expect(vec).toHaveLength(256);
        const want = fakeEmbedding(row.text);
        vec.forEach((x, j) => expect(Math.abs(x - want[j])).toBeLessThan(1e-5));
      }
      // Several documents, k > 1: each document's own text finds that document first.
      for (const [title, content] of Object.entries(DOCS)) {
        const hits = await again.api(`/v1/knowledge/search?k=3&q=${encodeURIComponent(content)}`, { token: T.apiKey });
        expect(hits.status).toBe(200);
        expect(hits.body.data.length).toBeGreaterThan(1);
        expect(hits.body.data[0].title).toBe(title);
        expect(hits.body.data[0].similarity).toBeGreaterThan(0.99);
      }
      await again.close();
      const idle = spawnTsx('hub/cli/reembed.ts', [], env);
      await new Promise((r) => idle.proc.once('exit', r));
      expect(idle.output()).toMatch(/already embedded with openai:text-embedding-3-small/); // idempotent
    } finally {
      await again.close().catch(() => {});
      await fake.close();
    }
  }, 90_000);
});
