// The same clientId stores one message (even across a reconnect); sockets are confined to their
// own contact and tenant; disallowed origins get no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, widgetSession, connect, emitAck, collect, until, SHOP_ORIGIN } from '../support/realtime';

let hub: TestHub;
let A: Awaited<ReturnType<typeof createTenantViaApi>>;
let B: Awaited<ReturnType<typeof createTenantViaApi>>;
let chA: Awaited<ReturnType<typeof createWebChannel>>;
let chB: Awaited<ReturnType<typeof createWebChannel>>;

beforeAll(async () => {
  hub = await startTestHub();
  A = await createTenantViaApi(hub);
  B = await createTenantViaApi(hub);
  chA = await createWebChannel(hub, A.apiKey);
  chB = await createWebChannel(hub, B.apiKey);
});
afterAll(() => hub?.stop());

describe('clientId idempotency', () => {
  it('5 sends of one clientId, across a reconnect, store one message', async () => {
    const session = (await widgetSession(hub, chA.widgetKey)).body;
    let s = await connect(hub.url, '/widget', session.token);
    const acks = [];
    for (let i = 0; i < 3; i++) acks.push(await emitAck(s, 'message:send', { clientId: 'same-id', text: 'only once' }));
    s.close();
    s = await connect(hub.url, '/widget', session.token);
    const concurrent = await Promise.all([0, 1].map(() => emitAck(s, 'message:send', { clientId: 'same-id', text: 'only once' })));
    acks.push(...concurrent);
    s.close();
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(new Set(acks.map((a) => a.data.id)).size).toBe(1);
    const [row] = await hub.ctx.sql`select count(*)::int as n from messages where client_id = 'same-id'`;
    expect(row.n).toBe(1);
    const listed = await hub.api(`/v1/conversations/${acks[0].data.conversationId}/messages`, { token: A.apiKey });
    expect(listed.body.data.filter((m: { text: string }) => m.text === 'only once')).toHaveLength(1);
  });

  it('the REST send is idempotent on clientId too', async () => {
    const session = (await widgetSession(hub, chA.widgetKey)).body;
    const s = await connect(hub.url, '/widget', session.token);
    const conv = (await emitAck(s, 'message:send', { clientId: 'x', text: 'hi' })).data.conversationId;
    s.close();
    const sends = await Promise.all([0, 1, 2].map(() => hub.api(`/v1/conversations/${conv}/messages`, { token: A.accessToken, body: { text: 'op reply', clientId: 'op-1' } })));
    expect(new Set(sends.map((r) => r.body.id)).size).toBe(1);
    expect(sends.map((r) => r.status).sort()).toEqual([200, 200, 201]);
  });
});

describe('confinement', () => {
  it("a widget token cannot read or join another contact's conversation", async () => {
    const alice = (await widgetSession(hub, chA.widgetKey)).body;
    const bob = (await widgetSession(hub, chA.widgetKey)).body;
    expect(alice.contactId).not.toBe(bob.contactId);
    const sa = await connect(hub.url, '/widget', alice.token);
    const aliceConv = (await emitAck(sa, 'message:send', { clientId: 'a1', text: 'alice secret' })).data.conversationId;
    const sb = await connect(hub.url, '/widget', bob.token);
    const bobGot = collect(sb, 'message:new');
    const history = await emitAck(sb, 'history', { conversationId: aliceConv });
    expect(history.ok).toBe(false);
    expect(history.error!.code).toBe('not_found');
    const replay = await emitAck(sb, 'replay', { cursors: { [aliceConv]: 0 } });
    expect(replay.data.replayed).toBe(0);
    // Live traffic in Alice's conversation does not reach Bob.
    await hub.api(`/v1/conversations/${aliceConv}/messages`, { token: A.apiKey, body: { text: 'for alice only' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(bobGot).toHaveLength(0);
    sa.close();
    sb.close();
  });

  it("an operator of tenant A cannot join tenant B's conversations nor hear its events", async () => {
    const visitor = (await widgetSession(hub, chB.widgetKey)).body;
    const sv = await connect(hub.url, '/widget', visitor.token);
    const convB = (await emitAck(sv, 'message:send', { clientId: 'b1', text: 'tenant B' })).data.conversationId;
    const opA = await connect(hub.url, '/console', A.accessToken);
    const heard = collect(opA, 'conversation:updated');
    const join = await emitAck(opA, 'conversation:join', { conversationId: convB });
    expect(join.ok).toBe(false);
    expect(join.error!.code).toBe('not_found');
    for (const ev of ['conversation:resolve', 'conversation:handoff', 'message:send']) {
      const r = await emitAck(opA, ev, { conversationId: convB, to: 'human', clientId: 'z', text: 'intrusion' });
      expect(r.ok, ev).toBe(false);
    }
    const replay = await emitAck(opA, 'replay', { cursors: { [convB]: 0 } });
    expect(replay.data.replayed).toBe(0);
    await emitAck(sv, 'message:send', { clientId: 'b2', text: 'more B traffic' });
    await new Promise((r) => setTimeout(r, 300));
    expect(heard).toHaveLength(0);
    const [c] = await hub.ctx.sql`select status from conversations where id = ${convB}`;
    expect(c.status).not.toBe('resolved');
    opA.close();
    sv.close();
  });

  it('a disallowed origin gets no session and no socket', async () => {
    const res = await widgetSession(hub, chA.widgetKey, {}, 'http://evil.example');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
    const ok = (await widgetSession(hub, chA.widgetKey)).body;
    await expect(connect(hub.url, '/widget', ok.token, 'http://evil.example')).rejects.toThrow(/origin_not_allowed/);
    await expect(connect(hub.url, '/widget', 'forged.token.value')).rejects.toThrow(/unauthorized/);
    await expect(connect(hub.url, '/console', ok.token)).rejects.toThrow(/unauthorized/);
  });

  it('identity is trusted only with a valid HMAC', async () => {
    const good = createHmac('sha256', chA.identitySecret).update('user-42').digest('hex');
    const ok = await widgetSession(hub, chA.widgetKey, { identity: { id: 'user-42', name: 'Ana', hash: good } });
    expect(ok.status).toBe(200);
    const again = await widgetSession(hub, chA.widgetKey, { identity: { id: 'user-42', hash: good } });
    expect(again.body.contactId).toBe(ok.body.contactId);
    const bad = await widgetSession(hub, chA.widgetKey, { identity: { id: 'user-43', hash: good } });
    expect(bad.status).toBe(401);
    const otherSecret = createHmac('sha256', chB.identitySecret).update('user-42').digest('hex');
    expect((await widgetSession(hub, chA.widgetKey, { identity: { id: 'user-42', hash: otherSecret } })).status).toBe(401);
  });

  it('a visitor token resumes the same contact and conversation', async () => {
    const first = (await widgetSession(hub, chA.widgetKey)).body;
    const s = await connect(hub.url, '/widget', first.token);
    const conv = (await emitAck(s, 'message:send', { clientId: 'r1', text: 'remember me' })).data.conversationId;
    s.close();
    const resumed = (await widgetSession(hub, chA.widgetKey, { visitorToken: first.visitorToken })).body;
    expect(resumed.contactId).toBe(first.contactId);
    expect(resumed.conversationId).toBe(conv);
    expect(SHOP_ORIGIN).toMatch(/^http/);
  });
});
