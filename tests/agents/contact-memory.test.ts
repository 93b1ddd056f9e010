// Contact memory across conversations: a fact remembered in one conversation (offline extraction,
// a resolve summary, or the model's `remember` tool) comes back in the next — in the offline
// answer, or in the model's context — without card numbers or IBANs, and is gone after erasure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, until } from '../support/realtime';
import { visitor } from '../support/agents';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';

const CARD = '4111 1111 1111 1111';
const IBAN = 'DE89 3704 0044 0532 0130 00';

async function setup(hub: TestHub) {
  const T = await createTenantViaApi(hub);
  await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Shop', description: 'Shop assistant', instructions: '' } });
  await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Shipping', format: 'text', content: 'Orders ship within two business days. Tracking numbers are sent by e-mail.' } });
  const channel = await createWebChannel(hub, T.apiKey);
  // The same identified user in every session: one contact across conversations.
  const as = (id: string) => visitor(hub, channel.widgetKey, { identity: { id, name: 'Lucía Pérez', hash: createHmac('sha256', channel.identitySecret).update(id).digest('hex') } });
  return { T, as };
}

async function resolve(hub: TestHub, token: string, conversationId: string) {
  expect((await hub.api(`/v1/conversations/${conversationId}/resolve`, { token, body: {} })).status).toBe(200);
  await until(async () => {
    const [j] = await hub.ctx.sql`select status from jobs where kind = 'conversation.resolved' and payload->>'conversationId' = ${conversationId}`;
    return j?.status === 'done';
  }, 15_000, 'the resolve job');
}

const memoriesOf = (hub: TestHub, contactId: string) =>
  hub.ctx.sql<{ kind: string; content: string }[]>`select kind, content from contact_memories where contact_id = ${contactId} order by created_at`;

describe('contact memory, offline', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub(); });
  afterAll(() => hub?.stop());

  it('answers "what is my order number?" in the next conversation from memory, and forgets it on erasure', async () => {
    const { T, as } = await setup(hub);
    const first = await as('user-77');
    let contactId: string;
    let firstConversation: string;
    try {
      const q = await first.ask(`Hi, my order number is A-77120, I paid with card ${CARD}. When will it ship?`);
      await first.replyTo(q);
      contactId = first.contactId;
      firstConversation = q.conversationId;
      await resolve(hub, T.apiKey, q.conversationId);
    } finally {
      first.close();
    }
    const stored = await memoriesOf(hub, contactId);
    expect(stored.map((m) => m.content)).toContain('Mentioned order number A-77120');
    const summary = stored.find((m) => m.kind === 'summary');
    expect(summary?.content).toMatch(/\[card\]/); // the summary quotes the question, redacted
    expect(JSON.stringify(stored)).not.toMatch(/4111|Lucía/);

    const second = await as('user-77');
    try {
      expect(second.contactId).toBe(contactId);
      const q = await second.ask("What's my order number?");
      expect(q.conversationId).not.toBe(firstConversation);
      const reply = await second.replyTo(q);
      expect(reply.text).toContain('A-77120');
      expect(reply.meta?.handoff).toBeUndefined();
      // A knowledge question about "my order" still goes to the knowledge base.
      const ship = await second.replyTo(await second.ask('When does my order ship?'));
      expect(ship.text).toMatch(/two business days/);
    } finally {
      second.close();
    }

    expect((await hub.api(`/v1/contacts/${contactId}`, { method: 'DELETE', token: T.accessToken })).status).toBe(200);
    expect(await memoriesOf(hub, contactId)).toEqual([]);
    const third = await as('user-77');
    try {
      expect(third.contactId).not.toBe(contactId);
      const reply = await third.replyTo(await third.ask("What's my order number?"));
      expect(reply.text).not.toContain('A-77120');
    } finally {
      third.close();
    }
  }, 60_000);
});

describe('contact memory, with a model', () => {
  let hub: TestHub;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    hub = await startTestHub({ OPENAI_API_KEY: 'sk-hub', OPENAI_BASE_URL: fake.url, MISY_EMBEDDING_MODEL: 'local' });
  });
  afterAll(async () => { await hub?.stop(); await fake?.close(); });

  it('the remember tool stores a redacted fact, which is in the context of the next conversation', async () => {
    const { T, as } = await setup(hub);
    const first = await as('user-88');
    let contactId: string;
    try {
      fake.script({ kind: 'tool_call', name: 'remember', args: { fact: `Order A-5521 paid with card ${CARD}; refunds to IBAN ${IBAN}` } });
      fake.script({ kind: 'text', text: 'Noted.' });
      const q = await first.ask('Please remember my order and where refunds go.');
      await first.replyTo(q);
      contactId = first.contactId;
      await resolve(hub, T.apiKey, q.conversationId);
    } finally {
      first.close();
    }
    const facts = (await memoriesOf(hub, contactId)).filter((m) => m.kind === 'fact').map((m) => m.content);
    const fact = facts.find((f) => f.includes('A-5521'));
    expect(fact).toBe('Order A-5521 paid with card [card]; refunds to IBAN [iban]');

    const second = await as('user-88');
    try {
      const before = fake.requests.length;
      fake.script({ kind: 'text', text: 'Your order is A-5521.' });
      await second.replyTo(await second.ask('Which order did I place last time?'));
      const chat = fake.requests.slice(before).find((r) => r.path.endsWith('/chat/completions'));
      const system = String(chat?.body.messages[0].content);
      expect(system).toContain('Order A-5521 paid with card [card]');
      expect(system).not.toMatch(/4111|DE89/);
    } finally {
      second.close();
    }
  }, 60_000);
});
