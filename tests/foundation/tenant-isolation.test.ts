// Two tenants on one hub: each works in its own space; every cross-tenant attempt fails,
// through the API (404 for the other tenant's ids) and through raw SQL under withTenant (RLS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { withTenant } from '../../hub/store/tenant';

let hub: TestHub;
type T = Awaited<ReturnType<typeof createTenantViaApi>> & { channelId: string; conversationId: string; contactId: string; webhookId: string; keyId: string; jobId: number; agentId: string; documentId: string };
let A: T;
let B: T;

async function setup(slug: string): Promise<T> {
  const t = await createTenantViaApi(hub, slug);
  const ch = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } });
  expect(ch.status).toBe(201);
  const conv = await hub.api('/v1/conversations', { token: t.accessToken, body: { channelId: ch.body.id, contact: { externalId: `cust-${slug}`, name: `Customer ${slug}` }, text: `hello from ${slug}` } });
  expect(conv.status).toBe(201);
  const wh = await hub.api('/v1/webhooks', { token: t.apiKey, body: { url: 'http://127.0.0.1:9/hook', events: ['message.created'] } });
  expect(wh.status).toBe(201);
  const key = await hub.api('/v1/api-keys', { token: t.apiKey, body: { name: 'second', scopes: ['conversations'] } });
  expect(key.status).toBe(201);
  const agent = await hub.api('/v1/agents', { token: t.apiKey, body: { name: `Agent ${slug}` } });
  expect(agent.status).toBe(201);
  const doc = await hub.api('/v1/knowledge', { token: t.apiKey, body: { title: `Doc ${slug}`, content: `# Returns\n\n${slug} accepts returns within 30 days.`, format: 'markdown' } });
  expect(doc.status).toBe(201);
  // A dead job, so that POST /v1/jobs/{id}/retry would succeed for its own tenant (it is 404 for any live job).
  const [job] = await hub.ctx.sql<{ id: number }[]>`
    insert into jobs (tenant_id, kind, status, attempts, max_attempts, last_error, finished_at)
    values (${t.tenantId}, 'isolation.probe', 'dead', 1, 1, 'dead on purpose', now()) returning id`;
  return { ...t, channelId: ch.body.id, conversationId: conv.body.conversation.id, contactId: conv.body.conversation.contactId, webhookId: wh.body.id, keyId: key.body.id,
    jobId: job.id, agentId: agent.body.id, documentId: doc.body.id };
}

beforeAll(async () => {
  hub = await startTestHub();
  A = await setup('alpha');
  B = await setup('bravo');
});
afterAll(() => hub?.stop());

describe('each tenant works in its own space', () => {
  it('posts and lists messages in its own conversations', async () => {
    for (const t of [A, B]) {
      const sent = await hub.api(`/v1/conversations/${t.conversationId}/messages`, { token: t.accessToken, body: { text: 'second message', clientId: 'c-1' } });
      expect(sent.status).toBe(201);
      const list = await hub.api(`/v1/conversations/${t.conversationId}/messages`, { token: t.apiKey });
      expect(list.status).toBe(200);
      expect(list.body.data.map((m: { text: string }) => m.text)).toEqual([`hello from ${t.slug}`, 'second message']);
      expect(list.body.data.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
      const convs = await hub.api('/v1/conversations', { token: t.apiKey });
      expect(convs.body.data.map((c: { id: string }) => c.id)).toEqual([t.conversationId]);
    }
  });
});

describe('API: every route with A credentials answers 404 for B ids', () => {
  // A valid body per route, so the 404 comes from the tenant boundary and not from validation.
  const bodies: Record<string, unknown> = {
    'PATCH /v1/channels/{id}': { name: 'hijacked' },
    'DELETE /v1/channels/{id}': undefined,
    'GET /v1/channels/{id}': undefined,
    'POST /v1/channels/{id}/rotate-secret': undefined,
    'GET /v1/conversations/{id}': undefined,
    'GET /v1/conversations/{id}/messages': undefined,
    'POST /v1/conversations/{id}/messages': { text: 'injected' },
    'POST /v1/conversations/{id}/assign': { operatorId: null },
    'POST /v1/conversations/{id}/handoff': { to: 'human' },
    'POST /v1/conversations/{id}/resolve': {},
    'POST /v1/conversations/{id}/reopen': {},
    'GET /v1/contacts/{id}': undefined,
    'PATCH /v1/contacts/{id}': { name: 'hijacked' },
    'DELETE /v1/contacts/{id}': undefined,
    'GET /v1/contacts/{id}/consents': undefined,
    'POST /v1/contacts/{id}/consents': { purpose: 'ai', granted: true },
    'GET /v1/contacts/{id}/export': undefined,
    'PATCH /v1/operators/{id}': { name: 'hijacked' },
    'DELETE /v1/api-keys/{id}': undefined,
    'DELETE /v1/webhooks/{id}': undefined,
    'POST /v1/jobs/{id}/retry': {},
    'PATCH /v1/agents/{id}': { name: 'hijacked' },
    'GET /v1/agents/{id}': undefined,
    'DELETE /v1/agents/{id}': undefined,
    'GET /v1/knowledge/{id}': undefined,
    'DELETE /v1/knowledge/{id}': undefined,
  };
  const idOf = (path: string, t: T): string | number | undefined => {
    if (path.startsWith('/v1/channels/')) return t.channelId;
    if (path.startsWith('/v1/conversations/')) return t.conversationId;
    if (path.startsWith('/v1/contacts/')) return t.contactId;
    if (path.startsWith('/v1/operators/')) return t.operatorId;
    if (path.startsWith('/v1/api-keys/')) return t.keyId;
    if (path.startsWith('/v1/webhooks/')) return t.webhookId;
    if (path.startsWith('/v1/jobs/')) return t.jobId;
    if (path.startsWith('/v1/agents/')) return t.agentId;
    if (path.startsWith('/v1/knowledge/')) return t.documentId;
    return undefined;
  };

  it('covers every tenant route that takes an id', async () => {
    const doc = (await hub.api('/v1/openapi.json')).body;
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([p]) => p.includes('{id}') && !p.startsWith('/v1/global'))
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      expect(Object.keys(bodies), `add a body for ${r}`).toContain(r);
      const [method, path] = r.split(' ');
      const id = idOf(path, B);
      expect(id, `no B resource for ${r}: create one in setup`).toBeDefined();
      for (const token of [A.apiKey, A.accessToken]) {
        const res = await hub.api(path.replace('{id}', String(id)), { method, token, body: bodies[r] });
        expect(res.status, `${r} with A's credentials on B's id`).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
    }
    // B's data is untouched.
    const list = await hub.api(`/v1/conversations/${B.conversationId}/messages`, { token: B.apiKey });
    expect(list.body.data.map((m: { text: string }) => m.text)).not.toContain('injected');
    const ch = await hub.api(`/v1/channels/${B.channelId}`, { token: B.apiKey });
    expect(ch.body.name).toBe('Backend');
    const contact = await hub.api(`/v1/contacts/${B.contactId}`, { token: B.apiKey });
    expect(contact.body.name).toBe('Customer bravo');
    expect((await hub.api(`/v1/agents/${B.agentId}`, { token: B.apiKey })).body.name).toBe('Agent bravo');
    expect((await hub.api(`/v1/knowledge/${B.documentId}`, { token: B.apiKey })).status).toBe(200);
    // The retry route does work for B's own dead job: A's 404 above came from the tenant boundary.
    const dead = await hub.api('/v1/jobs?status=dead', { token: B.apiKey });
    expect(dead.body.data.map((j: { id: number }) => j.id)).toContain(B.jobId);
    expect((await hub.api(`/v1/jobs/${B.jobId}/retry`, { method: 'POST', token: B.apiKey, body: {} })).status).toBe(200);
  });

  it("bodies naming B's ids are 404 too", async () => {
    const start = (channelId: string, contact: Record<string, string>) =>
      hub.api('/v1/conversations', { token: A.apiKey, body: { channelId, contact, text: 'injected' } });
    for (const [what, res] of [
      ["B's channel", await start(B.channelId, { externalId: 'x-1' })],
      ["B's contact on A's channel", await start(A.channelId, { id: B.contactId })],
      ["B's operator as assignee", await hub.api(`/v1/conversations/${A.conversationId}/assign`, { token: A.apiKey, body: { operatorId: B.operatorId } })],
    ] as const) {
      expect(res.status, what).toBe(404);
      expect(res.body.error.code, what).toBe('not_found');
    }
    const convs = await hub.api('/v1/conversations', { token: B.apiKey });
    expect(convs.body.data.map((c: { id: string }) => c.id)).toEqual([B.conversationId]);
    expect((await hub.api(`/v1/conversations/${A.conversationId}`, { token: A.apiKey })).body.assigneeId).not.toBe(B.operatorId);
  });

  it('lists never include the other tenant', async () => {
    for (const path of ['/v1/conversations', '/v1/contacts', '/v1/channels', '/v1/webhooks', '/v1/operators', '/v1/api-keys', '/v1/audit', '/v1/jobs']) {
      const res = await hub.api(path, { token: A.apiKey });
      expect(res.status, path).toBe(200);
      const text = JSON.stringify(res.body);
      for (const id of [B.tenantId, B.channelId, B.conversationId, B.contactId, B.webhookId, B.operatorId]) expect(text, path).not.toContain(id);
    }
  });
});

describe('SQL: withTenant(A) cannot see, change or delete B rows (row-level security)', () => {
  it('every public table with a tenant_id column has RLS enabled and a policy', async () => {
    const rows = await hub.ctx.sql<{ table: string; rls: boolean; forced: boolean; policies: number }[]>`
      select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      order by 1`;
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const r of rows) {
      expect(r.rls, `${r.table}: row level security is off`).toBe(true);
      expect(r.policies, `${r.table}: no RLS policy`).toBeGreaterThan(0);
    }
  });

  const tables = ['tenants', 'operators', 'api_keys', 'refresh_tokens', 'channels', 'contacts', 'contact_identities', 'consents', 'conversations', 'messages', 'jobs', 'audit_log', 'webhooks', 'agents', 'knowledge_documents', 'knowledge_chunks', 'contact_memories', 'llm_usage'];

  it('sees only its own rows in every tenant table', async () => {
    for (const table of tables) {
      const col = table === 'tenants' ? 'id' : 'tenant_id';
      const rows = await withTenant(hub.ctx.sql, A.tenantId, (tx) => tx.unsafe(`select distinct ${col}::text as t from ${table}`));
      for (const r of rows) expect(r.t, table).toBe(A.tenantId);
      const total = await hub.ctx.sql.unsafe(`select count(*)::int as n from ${table} where ${col} = $1`, [B.tenantId]);
      if (['channels', 'messages', 'conversations', 'contacts'].includes(table)) expect(total[0].n, `${table} has B rows to hide`).toBeGreaterThan(0);
    }
  });

  it('cannot update or delete B rows, even by id', async () => {
    const updated = await withTenant(hub.ctx.sql, A.tenantId, (tx) => tx`update messages set text = 'pwned' where conversation_id = ${B.conversationId} returning id`);
    expect(updated).toHaveLength(0);
    const deleted = await withTenant(hub.ctx.sql, A.tenantId, (tx) => tx`delete from channels where id = ${B.channelId} returning id`);
    expect(deleted).toHaveLength(0);
    const [still] = await hub.ctx.sql`select count(*)::int as n from messages where conversation_id = ${B.conversationId} and text = 'pwned'`;
    expect(still.n).toBe(0);
  });

  it('cannot insert rows into B; runs as a role without bypass', async () => {
    await expect(withTenant(hub.ctx.sql, A.tenantId, (tx) => tx`insert into contacts (tenant_id, name) values (${B.tenantId}, 'intruder')`)).rejects.toThrow(/row-level security/);
    // The role that tenant code runs as is neither superuser nor exempt from RLS.
    const [role] = await withTenant(hub.ctx.sql, A.tenantId, (tx) => tx<{ super: boolean; bypass: boolean }[]>`
      select rolsuper as super, rolbypassrls as bypass from pg_roles where rolname = current_user`);
    expect(role).toEqual({ super: false, bypass: false });
  });
});
