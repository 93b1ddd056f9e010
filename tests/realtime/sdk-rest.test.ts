// The SDK's typed REST client against a real hub: the calls an integrator makes, and the hub's
// error shape surfacing as MisyApiError with its code, status and Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
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
});
