// Offline (no key, no network) on the seeded demo tenant, end to end through the real widget
// socket: grounded answers stream as deltas and are stored once; out-of-scope questions and
// requests for a person hand off to humans, and the bot then stays silent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestHub } from '../support/hub';
import { startDemoHub, visitor, deltasFor, conversationStatus, type Visitor } from '../support/agents';
import { connect, collect, until } from '../support/realtime';
import type { ConversationEvent } from '../../sdk/src/types';

let hub: Awaited<ReturnType<typeof startDemoHub>>;
const open: Visitor[] = [];

beforeAll(async () => { hub = await startDemoHub(); });
afterAll(async () => { for (const v of open) v.close(); await hub?.stop(); });

async function newVisitor() {
  const v = await visitor(hub as TestHub, hub.demo.widgetKey);
  open.push(v);
  return v;
}

describe('offline agent on the demo knowledge', () => {
  it('answers a shipping question with a grounded reply streamed to the widget', async () => {
    const v = await newVisitor();
    const q = await v.ask('How long does delivery take to Medellín?');
    const reply = await v.replyTo(q);
    expect(reply.sender.type).toBe('agent');
    expect(reply.direction).toBe('out');
    const sources = reply.meta?.sources as { title: string }[];
    expect(sources.map((s) => s.title).join(' ')).toMatch(/shipping/i);
    expect(reply.text).toMatch(/business days/i);
    // Streamed first: deltas in index order that add up to the stored text, all before the message.
    const deltas = deltasFor(v, String(reply.meta?.draftId));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.index)).toEqual(deltas.map((_, i) => i));
    expect(deltas.map((d) => d.delta).join('')).toBe(reply.text);
    const lastDelta = v.events.findIndex((x) => x.kind === 'delta' && x.e === deltas[deltas.length - 1]);
    const stored = v.events.findIndex((x) => x.kind === 'message' && x.m.id === reply.id);
    expect(lastDelta).toBeLessThan(stored);
    // Stored exactly once, and the conversation is still the bot's.
    const [row] = await hub.ctx.sql`select count(*)::int as n from messages where conversation_id = ${reply.conversationId} and sender_type = 'agent'`;
    expect(row.n).toBe(1);
    expect(await conversationStatus(hub, hub.demo.apiKey, reply.conversationId)).toBe('bot');
  });

  it('answers in Spanish from the Spanish documents', async () => {
    const v = await newVisitor();
    const q = await v.ask('¿Cuánto tiempo tengo para devolver un producto?');
    const reply = await v.replyTo(q);
    expect(reply.text).toMatch(/Fuente|días/);
    expect((reply.meta?.sources as { title: string }[]).length).toBeGreaterThan(0);
  });

  it('"can I speak to a person?" hands off: pending, operators notified, bot muted', async () => {
    const operator = await connect(hub.url, '/console', (await hub.api('/v1/auth/login', { body: { email: hub.demo.email, password: hub.demo.password } })).body.accessToken);
    const updates = collect<ConversationEvent>(operator, 'conversation:updated');
    try {
      const v = await newVisitor();
      const q = await v.ask('can I speak to a person?');
      const reply = await v.replyTo(q);
      expect(reply.meta?.handoff).toMatchObject({ reason: 'explicit_request' });
      await until(() => updates.some((u) => u.conversationId === q.conversationId && u.conversation.status === 'pending'), 10_000, 'pending in the console');
      expect(await conversationStatus(hub, hub.demo.apiKey, q.conversationId)).toBe('pending');
      // Muted: another question gets no agent reply.
      const again = await v.ask('How much is shipping?');
      await new Promise((r) => setTimeout(r, 1500));
      expect(v.events.some((x) => x.kind === 'message' && x.m.meta?.replyTo === again.id)).toBe(false);
    } finally {
      operator.close();
    }
  });

  it('a question the knowledge does not cover hands off instead of guessing', async () => {
    const v = await newVisitor();
    const q = await v.ask('Who won the football world cup in 1986?');
    const reply = await v.replyTo(q);
    expect(reply.meta?.handoff).toMatchObject({ reason: 'low_confidence' });
    expect(await conversationStatus(hub, hub.demo.apiKey, q.conversationId)).toBe('pending');
  });

  it('after an operator hands back, the bot answers again; usage and contact facts are recorded', async () => {
    const v = await newVisitor();
    const q1 = await v.ask('I want to talk to a human about order 48213');
    await v.replyTo(q1);
    const back = await hub.api(`/v1/conversations/${q1.conversationId}/handoff`, { token: hub.demo.apiKey, body: { to: 'bot' } });
    expect(back.status).toBe(200);
    const q2 = await v.ask('Which payment methods do you accept?');
    const reply = await v.replyTo(q2);
    expect(reply.meta?.sources).toBeDefined();
    const usage = await hub.ctx.sql`select provider, model from llm_usage where conversation_id = ${q1.conversationId}`;
    expect(usage.length).toBeGreaterThanOrEqual(2);
    const facts = await hub.ctx.sql<{ content: string }[]>`select content from contact_memories where contact_id = ${v.contactId}`;
    expect(facts.map((f) => f.content)).toContain('Mentioned order number 48213');
  });
});
