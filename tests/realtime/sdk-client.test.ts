// The SDK's realtime client against a real hub: messages sent while offline wait in the outbox
// (persisted in storage) and are stored exactly once after reconnecting; replay after a gap
// delivers each missed message once, in order; typed events reach listeners.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, widgetSession, until, SHOP_ORIGIN } from '../support/realtime';
import { MisyRealtime, type KeyValueStorage } from '../../sdk/src/realtime';
import { createMisyClient } from '../../sdk/src/rest';
import type { Message } from '../../sdk/src/types';

let hub: TestHub;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
let channel: Awaited<ReturnType<typeof createWebChannel>>;
const clients: MisyRealtime[] = [];

class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem(k: string) { return this.map.get(k) ?? null; }
  setItem(k: string, v: string) { this.map.set(k, v); }
  removeItem(k: string) { this.map.delete(k); }
}

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  channel = await createWebChannel(hub, T.apiKey);
});
afterAll(async () => { for (const c of clients) c.close(); await hub?.stop(); });

function widgetClient(token: string, storage: KeyValueStorage) {
  const c = new MisyRealtime({ url: hub.url, namespace: '/widget', token, storage, extraHeaders: { origin: SHOP_ORIGIN }, timeoutMs: 3000 });
  clients.push(c);
  return c;
}

describe('@misy/sdk realtime client', () => {
  it('queues sends while offline, survives a "reload", and stores each exactly once', async () => {
    const session = (await widgetSession(hub, channel.widgetKey)).body;
    const storage = new MemoryStorage();
    const first = widgetClient(session.token, storage);
    await until(() => first.state === 'online', 5000, 'online');
    const hello = await first.send({ text: 'hello' });
    first.socket.disconnect(); // offline
    void first.send({ text: 'typed offline 1' });
    void first.send({ text: 'typed offline 2' });
    expect(first.pending().map((p) => p.text)).toEqual(['typed offline 1', 'typed offline 2']);
    first.close();

    // A page reload: a new client on the same storage picks up the outbox and the cursor.
    const second = widgetClient(session.token, storage);
    const seen: Message[] = [];
    second.on('message:new', (e) => seen.push(e.message));
    await until(() => second.pending().length === 0, 8000, 'outbox flushed');
    const rows = await hub.ctx.sql<{ text: string }[]>`select text from messages where conversation_id = ${hello.conversationId} order by seq`;
    expect(rows.map((r) => r.text)).toEqual(['hello', 'typed offline 1', 'typed offline 2']);
    expect(second.lastSeq(hello.conversationId)).toBe(3);
    // Each appears once for listeners, even though the hub both acks and broadcasts it.
    expect(seen.map((m) => m.text)).toEqual(['typed offline 1', 'typed offline 2']);
  });

  it('replays what an operator sent during a disconnect, once and in order', async () => {
    const session = (await widgetSession(hub, channel.widgetKey)).body;
    const c = widgetClient(session.token, new MemoryStorage());
    await until(() => c.state === 'online', 5000, 'online');
    const first = await c.send({ text: 'anyone there?' });
    const seen: number[] = [];
    c.on('message:new', (e) => seen.push(e.seq));
    c.socket.disconnect();
    const api = createMisyClient({ baseUrl: hub.url, token: T.apiKey });
    for (let i = 0; i < 20; i++) await api.conversations.send(first.conversationId, { text: `reply ${i}` });
    c.socket.connect();
    await until(() => seen.length >= 20, 8000, '20 replayed');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const page = await api.conversations.messages(first.conversationId, { limit: 50 });
    expect(page.data).toHaveLength(21);
  });

  it('a refused send is rejected with the hub error and leaves the outbox', async () => {
    const session = (await widgetSession(hub, channel.widgetKey)).body;
    const c = widgetClient(session.token, new MemoryStorage());
    await until(() => c.state === 'online', 5000, 'online');
    await expect(c.send({ text: 'x'.repeat(20_000) })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(c.pending()).toHaveLength(0);
  });
});
