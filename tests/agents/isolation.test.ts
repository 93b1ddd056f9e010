// Tenant A's agent never retrieves tenant B's knowledge or memory: not through the agent, not
// through search, not through raw SQL under A's row-level-security scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
import { visitor, type Visitor } from '../support/agents';
import { withTenant } from '../../hub/store/tenant';
import { searchKnowledge } from '../../agents/knowledge/store';
import { recall, remember } from '../../agents/memory/store';
import { createLocalEmbeddings, embedLocal } from '../../agents/providers/local/embeddings';

let hub: TestHub;
let A: Awaited<ReturnType<typeof createTenantViaApi>>;
let B: Awaited<ReturnType<typeof createTenantViaApi>>;
const visitors: Visitor[] = [];
const SECRET = 'The vault access code for the warehouse is PURPLE-42, and staff collect keys at gate nine.';

beforeAll(async () => {
  hub = await startTestHub();
  A = await createTenantViaApi(hub);
  B = await createTenantViaApi(hub);
  for (const t of [A, B]) {
    expect((await hub.api('/v1/agents', { token: t.apiKey, body: { name: 'Assistant', description: 'General help', instructions: 'Help customers.' } })).status).toBe(201);
  }
  await hub.api('/v1/knowledge', { token: A.apiKey, body: { title: 'Returns', format: 'text', content: 'Returns are accepted within 30 days with the receipt. Refunds go back to the original card within 5 business days.' } });
  await hub.api('/v1/knowledge', { token: B.apiKey, body: { title: 'Warehouse access', format: 'text', content: SECRET } });
});
afterAll(async () => { for (const v of visitors) v.close(); await hub?.stop(); });

describe('agent isolation between tenants', () => {
  it("A's agent does not answer from B's knowledge", async () => {
    const channel = await createWebChannel(hub, A.apiKey);
    const v = await visitor(hub, channel.widgetKey);
    visitors.push(v);
    const q = await v.ask('What is the vault access code for the warehouse and where do staff collect keys?');
    const reply = await v.replyTo(q);
    expect(reply.text).not.toMatch(/PURPLE|gate nine/i);
    expect(reply.meta?.handoff).toBeDefined();
  });

  it("search under A's scope finds nothing of B, even for B's exact text", async () => {
    const hits = await searchKnowledge(hub.ctx.sql, createLocalEmbeddings(), A.tenantId, SECRET, { k: 10 });
    expect(hits.every((h) => !h.content.includes('PURPLE'))).toBe(true);
    const own = await searchKnowledge(hub.ctx.sql, createLocalEmbeddings(), B.tenantId, 'vault access code', { k: 3 });
    expect(own[0]?.content).toContain('PURPLE-42'); // the search itself works
    // Even a forged tenant filter cannot cross: RLS scopes the rows to A.
    const raw = await withTenant(hub.ctx.sql, A.tenantId, (tx) => tx`select content from knowledge_chunks where tenant_id = ${B.tenantId}`);
    expect(raw).toHaveLength(0);
  });

  it("A cannot recall B's contact memories", async () => {
    const [bContact] = await withTenant(hub.ctx.sql, B.tenantId, (tx) => tx<{ id: string }[]>`insert into contacts (tenant_id, name) values (${B.tenantId}, 'Bea') returning id`);
    await withTenant(hub.ctx.sql, B.tenantId, (tx) => remember(tx, createLocalEmbeddings(), { tenantId: B.tenantId, contactId: bContact.id, content: 'Prefers delivery to gate nine' }));
    const fromA = await withTenant(hub.ctx.sql, A.tenantId, (tx) => recall(tx, bContact.id, embedLocal('delivery gate'), 5));
    expect(fromA).toHaveLength(0);
    const fromB = await withTenant(hub.ctx.sql, B.tenantId, (tx) => recall(tx, bContact.id, embedLocal('delivery gate'), 5));
    expect(fromB.map((m) => m.content)).toContain('Prefers delivery to gate nine');
  });
});
