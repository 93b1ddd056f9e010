// Consent end to end with requireConsent ['ai']: no AI reply and a pending conversation until the
// visitor grants `ai`; the next message is answered; withdrawal stops it again; the history keeps
// every record with its source, text, IP and user agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
import { emitAck } from '../support/realtime';
import { visitor, conversationStatus, type Visitor } from '../support/agents';

let hub: TestHub;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
let channel: Awaited<ReturnType<typeof createWebChannel>>;
let v: Visitor;

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  channel = await createWebChannel(hub, T.apiKey, { requireConsent: ['ai'] });
  const agent = await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Helper', description: 'Answers questions about opening hours', instructions: 'Be brief.' } });
  expect(agent.status).toBe(201);
  const doc = await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Opening hours', format: 'markdown',
    content: '# Opening hours\n\nOur bakery is open from 7 am to 7 pm, Monday to Saturday. On Sundays we open from 8 am to 1 pm.' } });
  expect(doc.status).toBe(201);
  v = await visitor(hub, channel.widgetKey);
});
afterAll(async () => { v?.close(); await hub?.stop(); });

const noReplyWithin = async (q: { id: string }, ms = 1500) => {
  await new Promise((r) => setTimeout(r, ms));
  return !v.events.some((x) => x.kind === 'message' && x.m.meta?.replyTo === q.id);
};

describe('consent gates the AI agent', () => {
  it('without ai consent: no AI reply, the conversation waits for a human', async () => {
    const declined = await emitAck(v.socket, 'consent:set', { purpose: 'ai', granted: false, text: 'Allow our AI assistant to answer you?' });
    expect(declined.ok).toBe(true);
    const q = await v.ask('When are you open on Sunday?');
    expect(await noReplyWithin(q)).toBe(true);
    expect(await conversationStatus(hub, T.apiKey, q.conversationId)).toBe('pending');
    const [jobs] = await hub.ctx.sql`select count(*)::int as n from jobs where kind = 'agent.reply' and payload->>'messageId' = ${q.id}`;
    expect(jobs.n).toBe(0);
  });

  it('after consent:set {ai: true} the next message is answered by the agent', async () => {
    const granted = await emitAck(v.socket, 'consent:set', { purpose: 'ai', granted: true, text: 'Allow our AI assistant to answer you?' });
    expect(granted.ok).toBe(true);
    expect(granted.data.consents.ai).toBe(true);
    const q = await v.ask('When are you open on Sunday?');
    const reply = await v.replyTo(q);
    expect(reply.sender.type).toBe('agent');
    expect(reply.text).toMatch(/8 am to 1 pm/);
    expect(await conversationStatus(hub, T.apiKey, q.conversationId)).toBe('bot');
  });

  it('withdrawal stops it again, and the history shows all three records', async () => {
    const withdrawn = await emitAck(v.socket, 'consent:set', { purpose: 'ai', granted: false, text: 'Allow our AI assistant to answer you?' });
    expect(withdrawn.ok).toBe(true);
    const q = await v.ask('And on Saturday?');
    expect(await noReplyWithin(q)).toBe(true);
    expect(await conversationStatus(hub, T.apiKey, q.conversationId)).toBe('pending');

    const history = await hub.api(`/v1/contacts/${v.contactId}/consents`, { token: T.apiKey });
    expect(history.status).toBe(200);
    const ai = history.body.data.filter((r: { purpose: string }) => r.purpose === 'ai');
    expect(ai.map((r: { granted: boolean }) => r.granted)).toEqual([false, true, false]);
    for (const r of ai) expect(r).toMatchObject({ source: 'widget', text: 'Allow our AI assistant to answer you?' });
    expect(history.body.current.ai).toBe(false);
    const audit = await hub.api('/v1/audit?action=consent.changed', { token: T.apiKey });
    expect(audit.body.data.length).toBeGreaterThanOrEqual(3);
  });
});
