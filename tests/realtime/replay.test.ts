// Exact replay after reconnect, from the store: 200 messages missed while offline arrive exactly
// once, in seq order — and the same after the hub restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, widgetSession, connect, emitAck, collect, until } from '../support/realtime';
import type { MessageNewEvent } from '../../sdk/src/types';

let hub: TestHub;
let t: Awaited<ReturnType<typeof createTenantViaApi>>;
let widgetKey: string;

beforeAll(async () => {
  hub = await startTestHub();
  t = await createTenantViaApi(hub);
  widgetKey = (await createWebChannel(hub, t.apiKey)).widgetKey;
});
afterAll(() => hub?.stop());

async function postMany(h: TestHub, conversationId: string, n: number, tag: string) {
  for (let i = 1; i <= n; i++) {
    const res = await h.api(`/v1/conversations/${conversationId}/messages`, { token: t.apiKey, body: { text: `${tag} ${i}`, clientId: `${tag}-${i}` } });
    expect(res.status).toBe(201);
  }
}

describe('replay by seq', () => {
  it('a client that missed 200 messages receives each exactly once, in order', async () => {
    const session = await widgetSession(hub, widgetKey);
    expect(session.status).toBe(200);
    const first = await connect(hub.url, '/widget', session.body.token);
    const ack = await emitAck(first, 'message:send', { clientId: 'hello-1', text: 'hello' });
    expect(ack.ok).toBe(true);
    const conversationId = ack.data.conversationId;
    const lastSeq = ack.data.seq;
    first.close();

    await postMany(hub, conversationId, 200, 'missed');

    const again = await connect(hub.url, '/widget', session.body.token);
    const got = collect<MessageNewEvent>(again, 'message:new');
    const replay = await emitAck(again, 'replay', { cursors: { [conversationId]: lastSeq } });
    expect(replay).toEqual({ ok: true, data: { replayed: 200 } });
    await until(() => got.length >= 200, 10_000, '200 messages');
    await new Promise((r) => setTimeout(r, 200)); // nothing more arrives
    expect(got).toHaveLength(200);
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => lastSeq + 1 + i));
    expect(got.map((e) => e.message.text)).toEqual(Array.from({ length: 200 }, (_, i) => `missed ${i + 1}`));
    expect(new Set(got.map((e) => e.message.id)).size).toBe(200);
    again.close();
  });

  it('replays the same after a hub restart (from the store, not memory)', async () => {
    const session = await widgetSession(hub, widgetKey);
    const s = await connect(hub.url, '/widget', session.body.token);
    const ack = await emitAck(s, 'message:send', { clientId: 'before-restart', text: 'before restart' });
    const conversationId = ack.data.conversationId;
    s.close();

    await hub.close();
    const { startTestHub: start } = await import('../support/hub');
    const restarted = await start({}, { dataDir: hub.dataDir });
    try {
      await postMany(restarted, conversationId, 200, 'after');
      const s2 = await connect(restarted.url, '/widget', session.body.token);
      const got = collect<MessageNewEvent>(s2, 'message:new');
      const replay = await emitAck(s2, 'replay', { cursors: { [conversationId]: ack.data.seq } });
      expect(replay.data.replayed).toBe(200);
      await until(() => got.length >= 200, 10_000, '200 messages after restart');
      expect(got.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => ack.data.seq + 1 + i));
      s2.close();
    } finally {
      await restarted.close();
    }
  });
});
