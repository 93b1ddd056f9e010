// Every security-relevant action named by the front-desk issue leaves an audit row: login success,
// failure and throttling, refresh-token reuse, API key create/revoke, channel create/update/secret
// change (rotation), consent change, export, erasure, handoff (explicit and implicit), assignment,
// role change. Each action is performed through the public API, then its row is looked up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { signMisy } from '../../hub/security/signatures';
import { verifyAuditChain } from '../../hub/security/audit';

let hub: TestHub;
let t: Awaited<ReturnType<typeof createTenantViaApi>>;

beforeAll(async () => {
  hub = await startTestHub();
  t = await createTenantViaApi(hub);
});
afterAll(() => hub?.stop());

type AuditRow = { action: string; actorType: string; actorId: string | null; targetId: string | null; data: Record<string, unknown> };

async function auditRows(action: string): Promise<AuditRow[]> {
  const res = await hub.api(`/v1/audit?action=${encodeURIComponent(action)}`, { token: t.accessToken });
  expect(res.status).toBe(200);
  return res.body.data;
}

async function expectAudited(action: string, match: Partial<AuditRow> = {}) {
  const rows = await auditRows(action);
  expect(rows, `no audit row for ${action}`).toEqual(expect.arrayContaining([expect.objectContaining(match)]));
}

const nowS = () => Math.floor(Date.now() / 1000);

describe('audit coverage of security-relevant actions', () => {
  it('records each listed action', async () => {
    // Login success and failure.
    expect((await hub.api('/v1/auth/login', { body: { email: t.email, password: t.password } })).status).toBe(200);
    expect((await hub.api('/v1/auth/login', { body: { email: t.email, password: 'not the password' } })).status).toBe(401);
    await expectAudited('auth.login', { actorId: t.operatorId });
    await expectAudited('auth.login_failed', { actorId: t.operatorId });

    // Refresh-token reuse.
    expect((await hub.api('/v1/auth/refresh', { body: { refreshToken: t.refreshToken } })).status).toBe(200);
    expect((await hub.api('/v1/auth/refresh', { body: { refreshToken: t.refreshToken } })).status).toBe(401);
    await expectAudited('auth.refresh_reuse', { actorId: t.operatorId });

    // API key create and revoke.
    const key = await hub.api('/v1/api-keys', { token: t.accessToken, body: { name: 'ci', scopes: ['conversations'] } });
    expect(key.status).toBe(201);
    expect((await hub.api(`/v1/api-keys/${key.body.id}`, { method: 'DELETE', token: t.accessToken })).status).toBe(200);
    await expectAudited('api_key.created', { targetId: key.body.id });
    await expectAudited('api_key.revoked', { targetId: key.body.id });

    // Channel create, update, secret rotation.
    const ch = await hub.api('/v1/channels', { token: t.accessToken, body: { type: 'api', name: 'Backend', config: {} } });
    expect(ch.status).toBe(201);
    const channelId: string = ch.body.id;
    const oldSecret: string = ch.body.generatedSecrets.secret;
    expect((await hub.api(`/v1/channels/${channelId}`, { method: 'PATCH', token: t.accessToken, body: { name: 'Backend v2' } })).status).toBe(200);
    const rotated = await hub.api(`/v1/channels/${channelId}/rotate-secret`, { method: 'POST', token: t.accessToken });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.generatedSecrets.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(JSON.stringify((await hub.api(`/v1/channels/${channelId}`, { token: t.accessToken })).body)).not.toContain(newSecret);
    await expectAudited('channel.created', { targetId: channelId });
    await expectAudited('channel.updated', { targetId: channelId });
    await expectAudited('channel.secret_changed', { targetId: channelId, data: { rotated: ['secret'] } });

    // The old secret no longer signs; the new one does.
    const body = JSON.stringify({ type: 'message', id: 'm-1', from: { id: 'cust-1', name: 'Nadia' }, text: 'Hello' });
    const post = (secret: string) => hub.api(`/webhooks/api/${channelId}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signMisy(secret, body, nowS()) } });
    expect((await post(oldSecret)).status).toBe(401);
    const inbound = await post(newSecret);
    expect(inbound.status).toBe(202);
    const conversationId: string = inbound.body.conversationId;

    // Implicit takeover: an operator writes into a conversation the bot or the queue holds.
    const before = (await hub.api(`/v1/conversations/${conversationId}`, { token: t.accessToken })).body;
    expect(['bot', 'pending']).toContain(before.status);
    expect((await hub.api(`/v1/conversations/${conversationId}/messages`, { token: t.accessToken, body: { text: 'I will take this one' } })).status).toBe(201);
    await expectAudited('conversation.taken_over', { actorId: t.operatorId, targetId: conversationId, data: expect.objectContaining({ from: before.status }) });

    // Explicit handoff (back to the bot, then to a human) and assignment.
    expect((await hub.api(`/v1/conversations/${conversationId}/handoff`, { token: t.accessToken, body: { to: 'bot' } })).status).toBe(200);
    expect((await hub.api(`/v1/conversations/${conversationId}/handoff`, { token: t.apiKey, body: { to: 'human', reason: 'operator_request' } })).status).toBe(200);
    expect((await hub.api(`/v1/conversations/${conversationId}/assign`, { token: t.accessToken, body: { operatorId: t.operatorId } })).status).toBe(200);
    await expectAudited('conversation.handback_to_bot', { targetId: conversationId });
    await expectAudited('conversation.handoff_to_human', { targetId: conversationId, actorType: 'api_key', data: { reason: 'operator_request' } });
    await expectAudited('conversation.assigned', { targetId: conversationId, data: { operatorId: t.operatorId } });

    // Consent change, export, erasure.
    const contactId: string = before.contactId;
    expect((await hub.api(`/v1/contacts/${contactId}/consents`, { token: t.accessToken, body: { purpose: 'ai', granted: true } })).status).toBe(201);
    expect((await hub.api(`/v1/contacts/${contactId}/export`, { token: t.accessToken })).status).toBe(200);
    expect((await hub.api(`/v1/contacts/${contactId}`, { method: 'DELETE', token: t.accessToken })).status).toBe(200);
    await expectAudited('consent.changed', { targetId: contactId, data: { purpose: 'ai', granted: true } });
    await expectAudited('contact.exported', { targetId: contactId });
    await expectAudited('contact.erased', { targetId: contactId });

    // Role change.
    const invited = await hub.api('/v1/operators', { token: t.accessToken, body: { email: `agent@${t.slug}.test`, password: 'another long password', role: 'agent' } });
    expect(invited.status).toBe(201);
    expect((await hub.api(`/v1/operators/${invited.body.id}`, { method: 'PATCH', token: t.accessToken, body: { role: 'admin' } })).status).toBe(200);
    await expectAudited('operator.role_changed', { targetId: invited.body.id, data: { from: 'agent', to: 'admin' } });

    // Throttled logins against the invited operator's account.
    let throttled = false;
    for (let i = 0; i < 15 && !throttled; i++) {
      throttled = (await hub.api('/v1/auth/login', { body: { email: `agent@${t.slug}.test`, password: 'guess ' + i } })).status === 429;
    }
    expect(throttled).toBe(true);
    await expectAudited('auth.login_rate_limited', { actorId: invited.body.id, data: { limit: 'login_account' } });

    expect(await verifyAuditChain(hub.ctx.sql, t.tenantId)).toMatchObject({ ok: true });
  }, 60_000);
});
