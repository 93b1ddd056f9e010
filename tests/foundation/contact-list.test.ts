// Contacts list in creation order with a stable cursor, on embedded PGlite (over HTTP) and on this
// machine's Postgres 15 (the domain function; core schema only there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { localPostgres, type LocalPostgres } from '../support/local-postgres';
import { listContacts } from '../../hub/domain/contacts';

describe('GET /v1/contacts (embedded)', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub(); });
  afterAll(() => hub?.stop());

  it('lists oldest first and pages through every contact exactly once', async () => {
    const t = await createTenantViaApi(hub);
    const ch = (await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } })).body.id;
    const created: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await hub.api('/v1/conversations', { token: t.apiKey, body: { channelId: ch, contact: { externalId: `c${i}`, name: `Contact ${i}` } } });
      created.push(r.body.conversation.contactId);
    }
    const all = await hub.api('/v1/contacts?limit=100', { token: t.apiKey });
    expect(all.body.data.map((c: { id: string }) => c.id)).toEqual(created);
    expect(all.body.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { status: number; body: { data: { id: string }[]; nextCursor: string | null } } = await hub.api(`/v1/contacts?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: t.apiKey });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((c) => c.id));
      cursor = page.body.nextCursor;
      // A contact created mid-paging shows up on a later page, not never.
      if (seen.length === 4 && created.length === 6) {
        const late = await hub.api('/v1/conversations', { token: t.apiKey, body: { channelId: ch, contact: { externalId: 'late', name: 'Late' } } });
        created.push(late.body.conversation.contactId);
      }
    }
    expect(seen).toEqual(created);
    expect((await hub.api('/v1/contacts?cursor=nonsense', { token: t.apiKey })).status).toBe(400);
  });
});

describe('listContacts on Postgres 15', () => {
  let pg: LocalPostgres;
  beforeAll(async () => { pg = await localPostgres('misy_contacts'); });
  afterAll(() => pg?.close());

  it('pages contacts created in ONE transaction (same timestamp) without losing any', async () => {
    const ids = await pg.sql.begin(async (tx) => {
      const [t] = await tx<{ id: string }[]>`insert into tenants (name, slug) values ('C', 'contacts-pg') returning id`;
      return (await tx<{ id: string }[]>`insert into contacts (tenant_id, name) select ${t.id}, 'n' || g from generate_series(1, 7) g returning id`).map((r) => r.id);
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await pg.sql.begin((tx) => listContacts(tx, { limit: 2, cursor }));
      seen.push(...page.data.map((c) => c.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect([...seen].sort()).toEqual([...ids].sort());
    // Same created_at: the id breaks the tie, so the order is stable.
    expect(seen).toEqual([...ids].sort());
  });
});
