// Conversation list filters and keyset paging, on embedded PGlite and on this machine's Postgres 15.
// Conversations created in one transaction share now() to the microsecond; a cursor that loses
// precision (a JS Date keeps milliseconds) skips some of them on a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../support/db';
import { localPostgres, type LocalPostgres } from '../support/local-postgres';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { listConversations, type ListFilter } from '../../hub/domain/conversations';
import { withTenant } from '../../hub/store/tenant';
import type { Database, Sql, Tx } from '../../hub/store/database';

interface Fixture { tenantId: string; channels: string[]; operators: string[]; ids: Record<string, { status: string; channel: string; assignee: string | null }> }

/** 7 conversations over 2 channels, 2 operators and 3 statuses; 5 created in ONE transaction. */
async function seed(sql: Sql): Promise<Fixture> {
  return sql.begin(async (tx) => {
    const [t] = await tx<{ id: string }[]>`insert into tenants (name, slug) values ('Paging', ${`paging-${Date.now()}`}) returning id`;
    const channels = (await tx<{ id: string }[]>`insert into channels (tenant_id, type, name) values (${t.id}, 'api', 'a'), (${t.id}, 'api', 'b') returning id`).map((r) => r.id);
    const operators = (await tx<{ id: string }[]>`insert into operators (tenant_id, email, role, password_hash)
      values (${t.id}, 'one@x.test', 'agent', 'x'), (${t.id}, 'two@x.test', 'agent', 'x') returning id`).map((r) => r.id);
    const plan = [
      { status: 'open', channel: channels[0], assignee: operators[0] },
      { status: 'open', channel: channels[1], assignee: operators[1] },
      { status: 'pending', channel: channels[0], assignee: null },
      { status: 'bot', channel: channels[1], assignee: null },
      { status: 'open', channel: channels[0], assignee: operators[0] },
      { status: 'resolved', channel: channels[0], assignee: operators[1] },
      { status: 'pending', channel: channels[1], assignee: null },
    ];
    const ids: Fixture['ids'] = {};
    for (const p of plan) {
      const [contact] = await tx<{ id: string }[]>`insert into contacts (tenant_id) values (${t.id}) returning id`;
      const [c] = await tx<{ id: string }[]>`insert into conversations (tenant_id, channel_id, contact_id, status, assignee_id)
        values (${t.id}, ${p.channel}, ${contact.id}, ${p.status}, ${p.assignee}) returning id`;
      ids[c.id] = p;
    }
    // Two with distinct message activity, so ordering by activity is visible too.
    const [first, second] = Object.keys(ids);
    await tx`update conversations set last_message_at = now() + interval '1 second' where id = ${first}`;
    await tx`update conversations set last_message_at = now() + interval '2 seconds' where id = ${second}`;
    return { tenantId: t.id, channels, operators, ids };
  }) as Promise<Fixture>;
}

type Scope = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/** Follows nextCursor to the end; fails on a repeated row. */
async function pageAll(scope: Scope, f: Omit<ListFilter, 'limit' | 'cursor'>, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await scope((tx) => listConversations(tx, { ...f, limit, cursor }));
    seen.push(...page.data.map((c) => c.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  expect(new Set(seen).size).toBe(seen.length);
  return seen;
}

function contract(name: string, open: () => Promise<{ sql: Sql; scope: (tenantId: string) => Scope; close(): Promise<void> }>) {
  describe(name, () => {
    let env: Awaited<ReturnType<typeof open>>;
    let fx: Fixture;
    let scope: Scope;
    beforeAll(async () => { env = await open(); fx = await seed(env.sql); scope = env.scope(fx.tenantId); }, 60_000);
    afterAll(() => env?.close());

    const expected = (pred: (p: Fixture['ids'][string]) => boolean) => Object.entries(fx.ids).filter(([, p]) => pred(p)).map(([id]) => id).sort();

    it('pages through every conversation with limit=1, 2 and 3, newest activity first', async () => {
      const all = Object.keys(fx.ids);
      const [first, second] = all;
      for (const limit of [1, 2, 3]) {
        const got = await pageAll(scope, {}, limit);
        expect([...got].sort()).toEqual([...all].sort());
        expect(got.slice(0, 2)).toEqual([second, first]);
      }
      const single = await pageAll(scope, {}, 100);
      expect(single).toEqual(await pageAll(scope, {}, 1));
    });

    it('filters by status, channel and assignee, and pages within a filter', async () => {
      for (const status of ['open', 'pending', 'bot', 'resolved'] as const) {
        expect((await pageAll(scope, { status }, 1)).sort()).toEqual(expected((p) => p.status === status));
      }
      for (const channelId of fx.channels) expect((await pageAll(scope, { channelId }, 1)).sort()).toEqual(expected((p) => p.channel === channelId));
      for (const assigneeId of fx.operators) expect((await pageAll(scope, { assigneeId }, 1)).sort()).toEqual(expected((p) => p.assignee === assigneeId));
      const combined = await pageAll(scope, { status: 'open', channelId: fx.channels[0], assigneeId: fx.operators[0] }, 1);
      expect(combined.sort()).toEqual(expected((p) => p.status === 'open' && p.channel === fx.channels[0] && p.assignee === fx.operators[0]));
      expect(combined).toHaveLength(2);
    });

    it('rejects a forged cursor as a client error', async () => {
      await expect(scope((tx) => listConversations(tx, { limit: 1, cursor: 'bm90LWpzb24' }))).rejects.toThrow(/cursor is not valid/);
      const bad = Buffer.from(JSON.stringify({ us: '1; drop table x', id: '00000000-0000-0000-0000-000000000000' })).toString('base64url');
      await expect(scope((tx) => listConversations(tx, { limit: 1, cursor: bad }))).rejects.toThrow(/cursor is not valid/);
    });
  });
}

contract('embedded PGlite (as the RLS role, through withTenant)', async () => {
  const db: Database = await createTestDb();
  return { sql: db.sql, scope: (tenantId) => (fn) => withTenant(db.sql, tenantId, fn), close: () => db.close() };
});

contract('local Postgres 15 server', async () => {
  const pg: LocalPostgres = await localPostgres('misy_paging');
  // Core schema only (no pgvector there, so no RLS migration): a plain transaction.
  return { sql: pg.sql, scope: () => (fn) => pg.sql.begin((tx) => fn(tx)) as never, close: () => pg.close() };
});

describe('GET /v1/conversations filters over HTTP', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub(); });
  afterAll(() => hub?.stop());

  it('assignee=me lists the caller\'s conversations; status and channelId filter; cursors page', async () => {
    const t = await createTenantViaApi(hub);
    const ch = (await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await hub.api('/v1/conversations', { token: t.apiKey, body: { channelId: ch, contact: { externalId: `c${i}` } } });
      expect(r.status).toBe(201);
      ids.push(r.body.conversation.id);
    }
    for (const id of ids.slice(0, 2)) expect((await hub.api(`/v1/conversations/${id}/assign`, { token: t.apiKey, body: { operatorId: t.operatorId } })).status).toBe(200);
    const mine = await hub.api('/v1/conversations?assignee=me', { token: t.accessToken });
    expect(mine.body.data.map((c: { id: string }) => c.id).sort()).toEqual(ids.slice(0, 2).sort());
    expect((await hub.api('/v1/conversations?assignee=me', { token: t.apiKey })).status).toBe(400);
    const pending = await hub.api(`/v1/conversations?status=pending&channelId=${ch}`, { token: t.apiKey });
    expect(pending.body.data.map((c: { id: string }) => c.id).sort()).toEqual(ids.slice(2).sort());
    const seen: string[] = [];
    let next: string | null = '';
    while (next !== null) {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await hub.api(`/v1/conversations?limit=1${next ? `&cursor=${next}` : ''}`, { token: t.apiKey });
      seen.push(...page.body.data.map((c) => c.id));
      next = page.body.nextCursor;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await hub.api('/v1/conversations?cursor=garbage', { token: t.apiKey })).status).toBe(400);
  });
});
