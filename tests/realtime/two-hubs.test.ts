// Two hub processes on one database and one Redis: a visitor on hub A and an operator on hub B
// talk both ways in real time; rate limits are shared through Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTsx, freePort, type Child } from '../support/process';
import { PLATFORM_KEY } from '../support/hub';
import { connect, emitAck, collect, until, SHOP_ORIGIN } from '../support/realtime';
import { signMisy } from '../../hub/security/signatures';
import type { MessageNewEvent, TypingEvent, ConversationEvent } from '../../sdk/src/types';

let db: Child;
let hubs: { child: Child; url: string }[] = [];
let dir: string;

async function api(url: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + path, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null), headers: res.headers };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'misy-2hubs-'));
  db = spawnTsx('tests/support/pglite-server.ts', [join(dir, 'pgdata')]);
  const [, dbPort] = await db.waitFor(/listening (\d+)/, 60_000);
  const env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:${dbPort}/postgres`,
    DATABASE_POOL_SIZE: '2',
    REDIS_URL: 'redis://127.0.0.1:6379',
    MISY_SECRET: 'two-hubs-shared-secret-0123456789abcdef',
    MISY_PLATFORM_KEY: PLATFORM_KEY,
    MISY_RATE_LIMITS: JSON.stringify({ free: { tenantPerMinute: 1000, contactPerMinute: 5 } }),
    LOG_LEVEL: 'warn',
    MISY_JOB_POLL_MS: '50',
  };
  // Start one at a time: the first applies migrations.
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const child = spawnTsx('hub/main.ts', [], { ...env, PORT: String(port), DATA_DIR: join(dir, `hub${i}`), PUBLIC_URL: `http://127.0.0.1:${port}` });
    await child.waitFor(/Misy is running/, 60_000);
    hubs.push({ child, url: `http://127.0.0.1:${port}` });
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(hubs.map((h) => h.child.stop()));
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('two hubs, one database, one Redis', () => {
  it('a widget on hub A and an operator on hub B talk both ways', async () => {
    const [A, B] = hubs;
    const slug = `two${Date.now().toString(36)}`;
    const tenant = await api(A.url, '/v1/tenants', PLATFORM_KEY, { name: 'Two hubs', slug, operator: { email: `op@${slug}.test`, password: 'two hubs password' } });
    expect(tenant.status).toBe(201);
    const login = await api(B.url, '/v1/auth/login', undefined, { email: `op@${slug}.test`, password: 'two hubs password' });
    const channel = await api(A.url, '/v1/channels', tenant.body.apiKey, { type: 'web', name: 'Site', config: { allowedOrigins: [SHOP_ORIGIN] } });
    const session = await api(A.url, '/v1/widget/session', undefined, { widgetKey: channel.body.widgetKey }, { origin: SHOP_ORIGIN });

    const visitor = await connect(A.url, '/widget', session.body.token);
    const operator = await connect(B.url, '/console', login.body.accessToken);
    const newConvs = collect<ConversationEvent>(operator, 'conversation:new');
    const visitorGot = collect<MessageNewEvent>(visitor, 'message:new');
    const visitorTyping = collect<TypingEvent>(visitor, 'typing');

    const sent = await emitAck(visitor, 'message:send', { clientId: 'v1', text: 'hello from hub A' });
    expect(sent.ok).toBe(true);
    const conversationId = sent.data.conversationId;
    await until(() => newConvs.some((e) => e.conversationId === conversationId), 10_000, 'conversation:new on hub B');

    const joined = await emitAck(operator, 'conversation:join', { conversationId });
    expect(joined.data.messages.map((m: { text: string }) => m.text)).toEqual(['hello from hub A']);
    const operatorGot = collect<MessageNewEvent>(operator, 'message:new');
    const operatorTyping = collect<TypingEvent>(operator, 'typing');

    visitor.emit('typing', { typing: true });
    await until(() => operatorTyping.some((e) => e.typing && e.sender.type === 'contact'), 10_000, 'visitor typing on hub B');
    operator.emit('typing', { conversationId, typing: true });
    await until(() => visitorTyping.some((e) => e.typing && e.sender.type === 'operator'), 10_000, 'operator typing on hub A');

    await emitAck(visitor, 'message:send', { clientId: 'v2', text: 'second from A' });
    await until(() => operatorGot.some((e) => e.message.text === 'second from A'), 10_000, 'visitor message on hub B');

    const reply = await emitAck(operator, 'message:send', { conversationId, clientId: 'o1', text: 'hi from hub B' });
    expect(reply.ok).toBe(true);
    await until(() => visitorGot.some((e) => e.message.text === 'hi from hub B'), 10_000, 'operator reply on hub A');
    const r = visitorGot.find((e) => e.message.text === 'hi from hub B')!;
    expect(r.message.sender.type).toBe('operator');
    // Each event reached each client once, not once per hub.
    expect(visitorGot.filter((e) => e.message.text === 'hi from hub B')).toHaveLength(1);
    expect(operatorGot.filter((e) => e.message.text === 'second from A')).toHaveLength(1);
    visitor.close();
    operator.close();
  });

  it('a burst over the plan limit gets 429 with Retry-After, counted across both hubs, and nothing over it is stored', async () => {
    const [A, B] = hubs;
    const slug = `rl${Date.now().toString(36)}`;
    const tenant = await api(A.url, '/v1/tenants', PLATFORM_KEY, { name: 'Limited', slug, operator: { email: `op@${slug}.test`, password: 'rate limit password' } });
    const channel = await api(A.url, '/v1/channels', tenant.body.apiKey, { type: 'api', name: 'Backend', config: {} });
    const secret = channel.body.generatedSecrets.secret;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const body = JSON.stringify({ type: 'message', id: `burst-${i}`, from: { id: 'same-customer' }, text: `burst ${i}` });
      const target = i % 2 ? B : A;
      const res = await api(target.url, `/webhooks/api/${channel.body.id}`, undefined, body, signMisy(secret, body, Math.floor(Date.now() / 1000)));
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const list = await api(B.url, '/v1/conversations', tenant.body.apiKey);
    const msgs = await api(B.url, `/v1/conversations/${list.body.data[0].id}/messages`, tenant.body.apiKey);
    expect(msgs.body.data).toHaveLength(5);
  });
});
