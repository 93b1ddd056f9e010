// The console's own events: history paging, leaving a room, moving the read marker; events sent
// the instant a console connects are not dropped (also with Redis presence); streamed drafts
// that are abandoned reach clients as such.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, widgetSession, connect, emitAck, collect, until } from '../support/realtime';

let hub: TestHub;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
let conversationId: string;
let contactId: string;

beforeAll(async () => {
  hub = await startTestHub({ REDIS_URL: 'redis://127.0.0.1:6379', MISY_RATE_LIMITS: JSON.stringify({ free: { tenantPerMinute: 100_000, contactPerMinute: 100_000 } }) });
  T = await createTenantViaApi(hub);
  const ch = await createWebChannel(hub, T.apiKey);
  const session = (await widgetSession(hub, ch.widgetKey)).body;
  contactId = session.contactId;
  const w = await connect(hub.url, '/widget', session.token);
  for (let i = 1; i <= 45; i++) {
    const ack = await emitAck(w, 'message:send', { clientId: `h${i}`, text: `message ${i}` });
    conversationId = ack.data.conversationId;
  }
  w.close();
});
afterAll(() => hub?.stop());

describe('console events', () => {
  it('answers a join sent the moment it connects (20 consoles at once, presence in Redis)', async () => {
    const acks = await Promise.all(Array.from({ length: 20 }, async () => {
      const s = await connect(hub.url, '/console', T.accessToken);
      const ack = await emitAck(s, 'conversation:join', { conversationId });
      s.close();
      return ack.ok;
    }));
    expect(acks.every(Boolean)).toBe(true);
  });

  it('pages history backwards, leaves the room, and moves the read marker', async () => {
    const s = await connect(hub.url, '/console', T.accessToken);
    const joined = await emitAck(s, 'conversation:join', { conversationId });
    expect(joined.data.messages).toHaveLength(45); // join returns the latest 50
    const page = await emitAck(s, 'history', { conversationId, beforeSeq: 21, limit: 10 });
    expect(page.data.messages.map((m: { seq: number }) => m.seq)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(page.data.hasMore).toBe(true);
    expect((await emitAck(s, 'history', { conversationId: crypto.randomUUID() })).ok).toBe(false);

    const news = collect<{ message: { text: string } }>(s, 'message:new');
    expect((await emitAck(s, 'conversation:leave', { conversationId })).ok).toBe(true);
    await hub.api(`/v1/conversations/${conversationId}/messages`, { token: T.apiKey, body: { text: 'after leaving', clientId: 'left-1' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(news.map((e) => e.message.text)).not.toContain('after leaving');

    const read = await emitAck(s, 'conversation:read', { conversationId });
    expect(read.ok).toBe(true);
    expect(read.data.unread).toBe(0);
    s.close();
  });

  it('forwards abandoned draft markers to the widget and the console', async () => {
    const session = (await hub.api('/v1/conversations/' + conversationId, { token: T.apiKey })).body;
    const c = await connect(hub.url, '/console', T.accessToken);
    await emitAck(c, 'conversation:join', { conversationId });
    const deltas = collect<{ draftId: string; done?: boolean; abandoned?: boolean }>(c, 'message:delta');
    hub.ctx.bus.publish({ type: 'message:delta', tenantId: T.tenantId, contactId: session.contactId ?? contactId, conversationId, draftId: 'd1', delta: '', index: 3, done: true, abandoned: true });
    await until(() => deltas.length > 0, 5_000, 'delta');
    expect(deltas[0]).toMatchObject({ draftId: 'd1', done: true, abandoned: true });
    c.close();
  });
});
