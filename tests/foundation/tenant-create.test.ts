// Creating a tenant is all or nothing, and the demo seed recovers from a start that died half-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestHub, PLATFORM_KEY, type TestHub } from '../support/hub';
import { ensureDemoTenant } from '../../hub/seed/demo';
import { seedDemoKnowledge } from '../../hub/agents';

let hub: TestHub;
beforeAll(async () => { hub = await startTestHub(); });
afterAll(() => hub?.stop());

const tenantBody = (slug: string, email: string) => ({ name: `Tenant ${slug}`, slug, operator: { email, password: 'correct horse battery staple' } });

describe('POST /v1/tenants', () => {
  it('leaves nothing behind when the owner cannot be created, so the slug stays free', async () => {
    // A fault injected after the tenant row is written: the operator insert fails.
    await hub.ctx.sql.unsafe(`
      create or replace function fail_operator() returns trigger language plpgsql as $$
      begin if new.email = 'boom@atomic.test' then raise exception 'injected failure'; end if; return new; end $$;
      create trigger fail_operator before insert on operators for each row execute function fail_operator();`);
    try {
      const failed = await hub.api('/v1/tenants', { token: PLATFORM_KEY, body: tenantBody('atomic', 'boom@atomic.test') });
      expect(failed.status).toBe(500);
      const [left] = await hub.ctx.sql`select count(*)::int as n from tenants where slug = 'atomic'`;
      expect(left.n).toBe(0);
    } finally {
      await hub.ctx.sql.unsafe('drop trigger fail_operator on operators; drop function fail_operator()');
    }
    const ok = await hub.api('/v1/tenants', { token: PLATFORM_KEY, body: tenantBody('atomic', 'owner@atomic.test') });
    expect(ok.status).toBe(201);
    expect(ok.body.operator.role).toBe('owner');
    expect((await hub.api('/v1/tenant', { token: ok.body.apiKey })).body.slug).toBe('atomic');
  });

  it('a taken slug is a 409 conflict', async () => {
    const first = await hub.api('/v1/tenants', { token: PLATFORM_KEY, body: tenantBody('twice', 'a@twice.test') });
    expect(first.status).toBe(201);
    const again = await hub.api('/v1/tenants', { token: PLATFORM_KEY, body: tenantBody('twice', 'b@twice.test') });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });
});

describe('demo seed', () => {
  it('a start that crashed before writing demo-credentials.json is repaired on the next start', async () => {
    const file = join(hub.ctx.config.dataDir, 'demo-credentials.json');
    rmSync(file, { force: true });
    // The first start dies while seeding knowledge: the tenant exists, the credentials file does not.
    await expect(ensureDemoTenant(hub.ctx, async () => { throw new Error('killed mid-seed'); })).rejects.toThrow('killed mid-seed');
    expect(existsSync(file)).toBe(false);
    const [tenant] = await hub.ctx.sql<{ id: string }[]>`select id from tenants where slug = 'demo'`;
    expect(tenant).toBeDefined();

    const creds = await ensureDemoTenant(hub.ctx, seedDemoKnowledge);
    expect(creds.tenantId).toBe(tenant.id);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(creds);
    // Every printed credential works, and nothing was created twice.
    const login = await hub.api('/v1/auth/login', { body: { email: creds.email, password: creds.password } });
    expect(login.status).toBe(200);
    const channels = await hub.api('/v1/channels', { token: creds.apiKey });
    expect(channels.body.data.map((c: { id: string }) => c.id)).toEqual([creds.channelId]);
    expect(channels.body.data[0].config.widgetKey ?? channels.body.data[0].widgetKey).toBe(creds.widgetKey);
    expect((await hub.api('/v1/agents', { token: creds.apiKey })).body.data).toHaveLength(1);
    const docs = (await hub.api('/v1/knowledge', { token: creds.apiKey })).body.data;
    expect(docs.length).toBeGreaterThan(3);

    // And the start after that reuses the file.
    const again = await ensureDemoTenant(hub.ctx, seedDemoKnowledge);
    expect(again).toEqual(creds);
    expect((await hub.api('/v1/knowledge', { token: creds.apiKey })).body.data).toHaveLength(docs.length);
  });
});
