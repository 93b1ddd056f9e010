// Operator administration edge cases: duplicates are 409s (never 500s), a tenant always keeps an
// active owner, and an operator can change its own password (audited, other sessions ended).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';

let hub: TestHub;
beforeAll(async () => { hub = await startTestHub(); });
afterAll(() => hub?.stop());

describe('duplicates', () => {
  it('a unique violation from Postgres is a 409 conflict, not a 500', async () => {
    const t = await createTenantViaApi(hub);
    const ch = (await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } })).body.id;
    const ids: string[] = [];
    for (const x of ['a', 'b']) ids.push((await hub.api('/v1/conversations', { token: t.apiKey, body: { channelId: ch, contact: { externalId: x, name: `name-${x}` } } })).body.conversation.contactId);
    // A unique index the route does not pre-check, as a stand-in for any race past a pre-check.
    await hub.ctx.sql`create unique index contacts_name_test on contacts (tenant_id, name)`;
    try {
      const res = await hub.api(`/v1/contacts/${ids[1]}`, { method: 'PATCH', token: t.apiKey, body: { name: 'name-a' } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    } finally {
      await hub.ctx.sql`drop index contacts_name_test`;
    }
  });

  it('concurrent invites of one email: one 201, the rest 409', async () => {
    const t = await createTenantViaApi(hub);
    const body = { email: 'Same@Invite.test', password: 'long enough password', role: 'agent' };
    const results = await Promise.all(Array.from({ length: 5 }, () => hub.api('/v1/operators', { token: t.apiKey, body })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const list = await hub.api('/v1/operators', { token: t.apiKey });
    expect(list.body.data.filter((o: { email: string }) => o.email === 'same@invite.test')).toHaveLength(1);
  });
});

describe('the last active owner', () => {
  it('cannot be disabled or demoted; another owner makes it possible', async () => {
    const t = await createTenantViaApi(hub);
    const patch = (token: string, id: string, body: unknown) => hub.api(`/v1/operators/${id}`, { method: 'PATCH', token, body });
    for (const body of [{ disabled: true }, { role: 'admin' }, { role: 'agent', disabled: true }]) {
      const res = await patch(t.accessToken, t.operatorId, body);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    expect((await patch(t.apiKey, t.operatorId, { disabled: true })).status).toBe(409);
    // Renaming is fine.
    expect((await patch(t.accessToken, t.operatorId, { name: 'Still owner' })).status).toBe(200);

    const second = await hub.api('/v1/operators', { token: t.accessToken, body: { email: `second@${t.slug}.test`, password: 'another long password', role: 'owner' } });
    expect(second.status).toBe(201);
    expect((await patch(t.accessToken, t.operatorId, { disabled: true })).status).toBe(200);
    // Now the second owner is the last one.
    expect((await patch(t.apiKey, second.body.id, { disabled: true })).status).toBe(409);
    expect((await patch(t.apiKey, second.body.id, { role: 'admin' })).status).toBe(409);
    const owners = (await hub.api('/v1/operators', { token: t.apiKey })).body.data.filter((o: { role: string; disabled: boolean }) => o.role === 'owner' && !o.disabled);
    expect(owners.map((o: { id: string }) => o.id)).toEqual([second.body.id]);
  });
});

describe('POST /v1/auth/password', () => {
  it('changes the own password with the old one, ends other sessions, and is audited', async () => {
    const t = await createTenantViaApi(hub);
    const change = (token: string, currentPassword: string, newPassword: string) => hub.api('/v1/auth/password', { token, body: { currentPassword, newPassword } });
    const wrong = await change(t.accessToken, 'not my password', 'a brand new password');
    expect(wrong.status).toBe(403);
    expect((await change(t.apiKey, t.password, 'a brand new password')).status).toBe(403);
    expect((await hub.api('/v1/auth/password', { body: { currentPassword: t.password, newPassword: 'a brand new password' } })).status).toBe(401);
    expect((await change(t.accessToken, t.password, 'short')).status).toBe(400);

    const ok = await change(t.accessToken, t.password, 'a brand new password');
    expect(ok.status).toBe(200);
    expect((await hub.api('/v1/auth/login', { body: { email: t.email, password: t.password } })).status).toBe(401);
    expect((await hub.api('/v1/auth/login', { body: { email: t.email, password: 'a brand new password' } })).status).toBe(200);
    expect((await hub.api('/v1/auth/refresh', { body: { refreshToken: t.refreshToken } })).status).toBe(401);

    const audit = await hub.api('/v1/audit?targetId=' + t.operatorId, { token: t.apiKey });
    const actions = audit.body.data.map((e: { action: string }) => e.action);
    expect(actions).toContain('auth.password_changed');
    expect(actions).toContain('auth.password_change_failed');
    expect(JSON.stringify(audit.body)).not.toContain('brand new');
  });
});
