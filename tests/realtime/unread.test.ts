// Unread counts stay exact while messages arrive in batches, are read by an operator, and are
// removed (erasure): the counter is maintained by the store, not recounted on every read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, widgetSession, connect, emitAck } from '../support/realtime';

let hub: TestHub;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
let ch: Awaited<ReturnType<typeof createWebChannel>>;

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  ch = await createWebChannel(hub, T.apiKey);
});
afterAll(() => hub?.stop());

const unreadOf = async (id: string) => (await hub.api(`/v1/conversations/${id}`, { token: T.apiKey })).body.unread as number;

describe('unread counts', () => {
  it('count inbound messages sent at once, reset when an operator reads, and never count replies', async () => {
    const session = (await widgetSession(hub, ch.widgetKey)).body;
    const s = await connect(hub.url, '/widget', session.token);
    // Concurrent sends share group-commit batches.
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => emitAck(s, 'message:send', { clientId: `u${i}`, text: `question ${i}` })));
    const conversationId = acks[0].data.conversationId as string;
    expect(new Set(acks.map((a) => a.data.conversationId)).size).toBe(1);
    expect(await unreadOf(conversationId)).toBe(12);

    // An operator reading the messages (REST as operator marks them read).
    const read = await hub.api(`/v1/conversations/${conversationId}/messages?limit=100`, { token: T.accessToken });
    expect(read.status).toBe(200);
    expect(await unreadOf(conversationId)).toBe(0);

    await hub.api(`/v1/conversations/${conversationId}/messages`, { token: T.apiKey, body: { text: 'a reply', clientId: 'reply-1' } });
    await emitAck(s, 'message:send', { clientId: 'after', text: 'one more' });
    expect(await unreadOf(conversationId)).toBe(1);
    s.close();
  });
});
