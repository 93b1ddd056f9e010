// The SDK's typed REST client against a real hub: the calls an integrator makes, and the hub's
// error shape surfacing as MisyApiError with its code, status and Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, PLATFORM_KEY, type TestHub } from '../support/hub';
import { createWebChannel, SHOP_ORIGIN } from '../support/realtime';
import { createMisyClient, MisyApiError } from '../../sdk/src/index';

let hub: TestHub;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;

beforeAll(async () => { hub = await startTestHub(); T = await createTenantViaApi(hub); });
afterAll(() => hub?.stop());

describe('@misy/sdk REST client', () => {
  it('starts a conversation, sends idempotently, pages messages, hands over and resolves', async () => {
    const api = createMisyClient({ baseUrl: hub.url, token: T.apiKey });
    const channel = await createWebChannel(hub, T.apiKey);
    const started = await api.conversations.start({ channelId: channel.id, contact: { externalId: 'crm-7', name: 'Rosa' }, text: 'Your order shipped' });
    const id = started.conversation.id;
    const a = await api.conversations.send(id, { text: 'Tracking: ZX1', clientId: 'crm-msg-1' });
    const b = await api.conversations.send(id, { text: 'Tracking: ZX1', clientId: 'crm-msg-1' });
    expect(b.id).toBe(a.id);
    const page = await api.conversations.messages(id, { limit: 10 });
    expect(page.data.map((m) => m.text)).toEqual(['Your order shipped', 'Tracking: ZX1']);
    expect((await api.conversations.resolve(id)).status).toBe('resolved');
    expect((await api.conversations.reopen(id)).status).not.toBe('resolved');
    const agent = await api.agents.create({ name: 'Helper', description: 'General questions' });
    expect((await api.agents.list()).data.map((x) => x.id)).toContain(agent.id);
    const doc = await api.knowledge.add({ title: 'FAQ', content: 'We are open every day from 9 to 5.', format: 'text' });
    expect((await api.knowledge.list()).data.map((d) => d.id)).toContain(doc.id);
  });

  it('operator login, refresh rotation and typed errors', async () => {
    const anon = createMisyClient({ baseUrl: hub.url });
    const session = await anon.auth.login(T.email, T.password);
    const rotated = await anon.auth.refresh(session.refreshToken);
    expect(rotated.refreshToken).not.toBe(session.refreshToken);
    const err = await anon.auth.refresh(session.refreshToken).catch((e) => e);
    expect(err).toBeInstanceOf(MisyApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    const asOperator = createMisyClient({ baseUrl: hub.url, token: rotated.accessToken });
    await expect(asOperator.conversations.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('channels, API keys, operators, knowledge search, jobs, widget session, tenants and the global store', async () => {
    const api = createMisyClient({ baseUrl: hub.url, token: T.apiKey });
    const channel = await api.channels.create({ type: 'web', name: 'Shop', config: { allowedOrigins: [SHOP_ORIGIN] } });
    const id = channel.id as string;
    expect((await api.channels.get(id)).name).toBe('Shop');
    expect((await api.channels.update(id, { name: 'Shop EU' })).name).toBe('Shop EU');

    // The widget's call, from an allowed page (Node's fetch lets the test set Origin).
    const fromShop = createMisyClient({ baseUrl: hub.url, fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: SHOP_ORIGIN } }) });
    const session = await fromShop.widget.session({ widgetKey: channel.widgetKey as string });
    expect(session.token).toBeTruthy();
    expect(session.contactId).toBeTruthy();

    await api.channels.remove(id);
    await expect(api.channels.get(id)).rejects.toMatchObject({ status: 404 });

    const key = await api.apiKeys.create({ name: 'reporting', scopes: ['audit'] });
    expect(key.key).toMatch(/^msk_/);
    expect((await api.apiKeys.list()).data.map((k) => k.id)).toContain(key.id);
    await api.apiKeys.revoke(key.id);
    await expect(createMisyClient({ baseUrl: hub.url, token: key.key }).audit.list()).rejects.toMatchObject({ status: 401 });

    const asOwner = createMisyClient({ baseUrl: hub.url, token: T.accessToken });
    const op = await asOwner.operators.create({ email: `agent-${Date.now()}@example.test`, password: 'long enough password', name: 'Agent Two' });
    expect((await asOwner.operators.list()).data.map((o) => o.id)).toContain(op.id);

    await api.knowledge.add({ title: 'Returns', content: 'Returns are accepted within 30 days with the receipt.', format: 'text' });
    const hits = await api.knowledge.search('can I return a product within 30 days', 3);
    expect(hits.data[0]?.title).toBe('Returns');
    expect(Array.isArray((await api.jobs.list({ status: 'dead' })).data)).toBe(true);
    await expect(api.jobs.retry(987654321)).rejects.toBeInstanceOf(MisyApiError);

    const platform = createMisyClient({ baseUrl: hub.url, token: PLATFORM_KEY });
    const created = await platform.tenants.create({ name: 'Second', slug: `second${Date.now().toString(36)}`, operator: { email: `o${Date.now()}@second.test`, password: 'long enough password' } });
    expect(created.apiKey).toMatch(/^msk_/);
    expect(Array.isArray((await platform.global.list({ limit: 5 })).data)).toBe(true);
    await expect(platform.global.remove('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
    await expect(api.global.list()).rejects.toBeInstanceOf(MisyApiError); // a tenant key is not the platform key
  });
});
