// Forged, expired or tampered JWTs, revoked API keys and reused refresh tokens get 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createTokenService } from '../../hub/auth/tokens';

let hub: TestHub;
let t: Awaited<ReturnType<typeof createTenantViaApi>>;

beforeAll(async () => {
  hub = await startTestHub();
  t = await createTenantViaApi(hub);
});
afterAll(() => hub?.stop());

const me = (token: string) => hub.api('/v1/tenant', { token });

describe('operator access tokens', () => {
  it('accepts a fresh token', async () => {
    expect((await me(t.accessToken)).status).toBe(200);
  });

  it('rejects a tampered payload', async () => {
    const [h, p, s] = t.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    // Only the role changes: sub and tid still name a real, active operator of a real tenant, so
    // without the signature check this token would be accepted.
    expect(claims.tid).toBe(t.tenantId);
    expect(claims.sub).toBe(t.operatorId);
    claims.role = claims.role === 'owner' ? 'admin' : 'owner';
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    const res = await me(forged);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('rejects a token signed with another secret, alg none, and garbage', async () => {
    const other = createTokenService('another-secret-that-is-long-enough-0123456789');
    const forged = await other.signAccess({ sub: t.operatorId, tid: t.tenantId, role: 'owner' });
    expect((await me(forged)).status).toBe(401);
    const [, p] = t.accessToken.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect((await me(none)).status).toBe(401);
    expect((await me('not-a-token')).status).toBe(401);
    expect((await hub.api('/v1/tenant', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('rejects an expired token (beyond the clock-skew allowance)', async () => {
    const past = createTokenService('test-master-secret-0123456789-abcdefghijklmnop', [], () => Date.now() - 16 * 60_000 - 31_000);
    const expired = await past.signAccess({ sub: t.operatorId, tid: t.tenantId, role: 'owner' });
    expect((await me(expired)).status).toBe(401);
    const skewed = createTokenService('test-master-secret-0123456789-abcdefghijklmnop', [], () => Date.now() - 15 * 60_000 - 10_000);
    expect((await me(await skewed.signAccess({ sub: t.operatorId, tid: t.tenantId, role: 'owner' }))).status).toBe(200);
  });

  it('rejects a widget token used as an operator token', async () => {
    const svc = createTokenService('test-master-secret-0123456789-abcdefghijklmnop');
    const widgetToken = await svc.signWidget({ sub: t.operatorId, tid: t.tenantId, cid: t.tenantId });
    expect((await me(widgetToken)).status).toBe(401);
    // Right key, unknown kid.
    const key = new TextEncoder().encode('whatever');
    const unknownKid = await new SignJWT({ typ: 'access', tid: t.tenantId, role: 'owner' }).setProtectedHeader({ alg: 'HS256', kid: 'nope' }).setSubject(t.operatorId).sign(key);
    expect((await me(unknownKid)).status).toBe(401);
  });

  it('keeps tokens of a previous secret valid after rotation', async () => {
    const old = createTokenService('old-secret-0123456789-abcdefghijklmnopqrstuv');
    const rotated = createTokenService('new-secret-0123456789-abcdefghijklmnopqrstuv', ['old-secret-0123456789-abcdefghijklmnopqrstuv']);
    const token = await old.signAccess({ sub: 'op', tid: 'tenant', role: 'agent' });
    expect((await rotated.verifyAccess(token)).ok).toBe(true);
    expect((await createTokenService('new-secret-0123456789-abcdefghijklmnopqrstuv').verifyAccess(token)).ok).toBe(false);
  });
});

describe('API keys', () => {
  it('a revoked key stops working at once', async () => {
    const created = await hub.api('/v1/api-keys', { token: t.accessToken, body: { name: 'temp', scopes: ['conversations'] } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^msk_/);
    expect((await hub.api('/v1/conversations', { token: created.body.key })).status).toBe(200);
    const listed = await hub.api('/v1/api-keys', { token: t.accessToken });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await hub.api(`/v1/api-keys/${created.body.id}`, { method: 'DELETE', token: t.accessToken })).status).toBe(200);
    const res = await hub.api('/v1/conversations', { token: created.body.key });
    expect(res.status).toBe(401);
  });

  it('is stored only as a hash', async () => {
    const rows = await hub.ctx.sql`select key_hash from api_keys`;
    for (const r of rows) expect(r.key_hash).not.toContain('msk_');
    const [found] = await hub.ctx.sql`select count(*)::int as n from api_keys where key_hash = ${t.apiKey}`;
    expect(found.n).toBe(0);
  });

  it('scopes restrict what a key can do', async () => {
    const created = await hub.api('/v1/api-keys', { token: t.accessToken, body: { name: 'narrow', scopes: ['conversations'] } });
    const res = await hub.api('/v1/channels', { token: created.body.key });
    expect(res.status).toBe(403);
  });

  it('an unknown or malformed key is 401', async () => {
    expect((await me(`msk_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await me('msk_short')).status).toBe(401);
  });
});

describe('refresh tokens rotate; reuse revokes the family', () => {
  it('rotates, then detects reuse and revokes every token of the login', async () => {
    const login = await hub.api('/v1/auth/login', { body: { email: t.email, password: t.password } });
    const first = login.body.refreshToken;
    const r1 = await hub.api('/v1/auth/refresh', { body: { refreshToken: first } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(first);
    expect((await me(r1.body.accessToken)).status).toBe(200);
    // The spent token comes back: a thief or a replay. The whole family dies.
    const reuse = await hub.api('/v1/auth/refresh', { body: { refreshToken: first } });
    expect(reuse.status).toBe(401);
    const second = await hub.api('/v1/auth/refresh', { body: { refreshToken: r1.body.refreshToken } });
    expect(second.status).toBe(401);
    const audit = await hub.api('/v1/audit?action=auth.refresh_reuse', { token: t.accessToken });
    expect(audit.body.data.length).toBe(1);
  });

  it('logout revokes the refresh token', async () => {
    const login = await hub.api('/v1/auth/login', { body: { email: t.email, password: t.password } });
    expect((await hub.api('/v1/auth/logout', { body: { refreshToken: login.body.refreshToken } })).status).toBe(200);
    expect((await hub.api('/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
  });

  it('wrong password is 401 and audited; a disabled operator loses access', async () => {
    const bad = await hub.api('/v1/auth/login', { body: { email: t.email, password: 'wrong password!' } });
    expect(bad.status).toBe(401);
    const invited = await hub.api('/v1/operators', { token: t.accessToken, body: { email: `agent@${t.slug}.test`, password: 'another long password', role: 'agent' } });
    expect(invited.status).toBe(201);
    const login = await hub.api('/v1/auth/login', { body: { email: `agent@${t.slug}.test`, password: 'another long password' } });
    expect((await me(login.body.accessToken)).status).toBe(200);
    await hub.api(`/v1/operators/${invited.body.id}`, { method: 'PATCH', token: t.accessToken, body: { disabled: true } });
    expect((await me(login.body.accessToken)).status).toBe(401);
    expect((await hub.api('/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
  });

  it('the platform key is required to create tenants', async () => {
    const res = await hub.api('/v1/tenants', { token: t.apiKey, body: { name: 'x', slug: 'xyz', operator: { email: 'a@b.co', password: 'long enough pass' } } });
    expect(res.status).toBe(403);
    expect((await hub.api('/v1/tenants', { body: { name: 'x', slug: 'xyz', operator: { email: 'a@b.co', password: 'long enough pass' } } })).status).toBe(401);
  });
});
