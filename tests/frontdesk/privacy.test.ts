// Data-subject rights: export holds every message of the contact; after erasure no table holds
// the contact's name, email, phone or message text; retention deletes old messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { signMisy } from '../../hub/security/signatures';
import { applyRetention, scheduleRetention } from '../../hub/domain/privacy';
import { createHmac } from 'node:crypto';
import { io } from 'socket.io-client';
import { createWebChannel, emitAck, until, SHOP_ORIGIN, type ClientSocket } from '../support/realtime';
import { withTenant } from '../../hub/store/tenant';
import { remember } from '../../agents/memory/store';
import { embeddingsFor } from '../../agents/providers';

let hub: TestHub;
let t: Awaited<ReturnType<typeof createTenantViaApi>>;
let channelId: string;
let secret: string;

beforeAll(async () => {
  hub = await startTestHub();
  t = await createTenantViaApi(hub);
  const ch = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } });
  channelId = ch.body.id;
  secret = ch.body.generatedSecrets.secret;
  await hub.api('/v1/webhooks', { token: t.apiKey, body: { url: 'http://127.0.0.1:9/unreachable', events: ['message.received', 'message.created', 'conversation.updated'] } });
});
afterAll(() => hub?.stop());

async function inbound(id: string, from: Record<string, string>, text: string) {
  const body = JSON.stringify({ type: 'message', id, from, text });
  const res = await hub.api(`/webhooks/api/${channelId}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signMisy(secret, body, Math.floor(Date.now() / 1000)) } });
  expect(res.status).toBe(202);
  return res.body;
}

/** Every text-ish column of every table, as one string per row. */
async function everything(): Promise<string> {
  const tables = await hub.ctx.sql<{ t: string }[]>`select tablename as t from pg_tables where schemaname = 'public'`;
  let all = '';
  for (const { t: table } of tables) {
    const rows = await hub.ctx.sql.unsafe(`select t::text as row from "${table}" t`);
    all += rows.map((r) => r.row).join('\n') + '\n';
  }
  return all;
}

describe('export and erasure', () => {
  it('exports every message and consent of the contact, then erases them everywhere', async () => {
    const person = { id: 'crm-7781', name: 'Valentina Ospina', email: 'valentina.ospina@example.co', phone: '+57 301 555 0199' };
    const texts = ['Hola, soy Valentina Ospina', 'My order is 5521, ship to Calle 93 #11-20', 'Call me at +57 301 555 0199'];
    let conversationId = '';
    for (const [i, text] of texts.entries()) conversationId = (await inbound(`v-${i}`, person, text)).conversationId;
    const reply = await hub.api(`/v1/conversations/${conversationId}/messages`, { token: t.accessToken, body: { text: 'Thanks Valentina, looking into order 5521' } });
    expect(reply.status).toBe(201);
    const conv = await hub.api(`/v1/conversations/${conversationId}`, { token: t.apiKey });
    const contactId = conv.body.contactId;
    await hub.api(`/v1/contacts/${contactId}/consents`, { token: t.apiKey, body: { purpose: 'marketing', granted: true, text: 'Send me offers' } });

    // Another contact, whose data must survive.
    await inbound('other-1', { id: 'crm-1', name: 'Pedro Páramo' }, 'I am Pedro and I stay');

    const exp = await hub.api(`/v1/contacts/${contactId}/export`, { token: t.accessToken });
    expect(exp.status).toBe(200);
    const exportedTexts = exp.body.conversations.flatMap((c: { messages: { text: string }[] }) => c.messages.map((m) => m.text));
    expect(exportedTexts).toEqual([...texts, 'Thanks Valentina, looking into order 5521']);
    expect(exp.body.contact).toMatchObject({ name: person.name, email: person.email, phone: person.phone });
    expect(exp.body.consents).toEqual([expect.objectContaining({ purpose: 'marketing', granted: true, text: 'Send me offers' })]);
    expect(exp.body.identities[0].externalId).toBe('crm-7781');

    const before = await everything();
    expect(before).toContain(person.email);
    expect(before).toContain('Calle 93 #11-20');

    const del = await hub.api(`/v1/contacts/${contactId}`, { method: 'DELETE', token: t.accessToken });
    expect(del.status).toBe(200);

    const after = await everything();
    for (const needle of [person.name, 'Valentina', person.email, person.phone, 'crm-7781', ...texts, 'Calle 93 #11-20', 'looking into order 5521', 'Send me offers']) {
      expect(after, `"${needle}" survived erasure`).not.toContain(needle);
    }
    expect(after).toContain('I am Pedro and I stay');
    const audit = await hub.api(`/v1/audit?action=contact.erased`, { token: t.accessToken });
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].targetId).toBe(contactId);
    const gone = await hub.api(`/v1/contacts/${contactId}`, { token: t.apiKey });
    expect(gone.body).toMatchObject({ name: null, email: null, phone: null, anonymized: true });
  });

  it('a widget contact with handoff webhooks, memories, attributes and consent (IP, user agent) is exported whole and erased everywhere', async () => {
    const web = await createWebChannel(hub, t.apiKey);
    const person = { id: 'crm-9911', name: 'Ximena Londoño', email: 'ximena.londono@example.co' };
    const hash = createHmac('sha256', web.identitySecret).update(person.id).digest('hex');
    const session = await hub.api('/v1/widget/session', { body: { widgetKey: web.widgetKey, identity: { ...person, hash } }, headers: { origin: SHOP_ORIGIN } });
    expect(session.status).toBe(200);
    const contactId: string = session.body.contactId;
    const userAgent = 'XimenaBrowser/7.3 (UniqueAgentString)';
    const socket: ClientSocket = io(hub.url + '/widget', { auth: { token: session.body.token }, transports: ['websocket'], extraHeaders: { origin: SHOP_ORIGIN, 'user-agent': userAgent }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('connect_error', reject); });
    try {
      expect((await emitAck(socket, 'consent:set', { purpose: 'marketing', granted: true, text: 'Ximena wants the flower newsletter' })).ok).toBe(true);
      const sent = await emitAck(socket, 'message:send', { clientId: 'x-1', text: 'Deliver the orchids to Carrera 7 #45-10' });
      expect(sent.ok).toBe(true);
      const conversationId: string = sent.data.conversationId;
      // Handoff with free text naming the person: a conversation.updated webhook job carries contactName and lastMessageText.
      const handoff = await hub.api(`/v1/conversations/${conversationId}/handoff`, { token: t.apiKey, body: { to: 'human', reason: 'Ximena Londoño asked for a florist' } });
      expect(handoff.status).toBe(200);
      const [job] = await hub.ctx.sql`select count(*)::int as n from jobs where kind = 'webhook.deliver' and payload#>>'{event,type}' = 'conversation.updated'
        and payload#>>'{event,data,conversation,contactName}' = ${person.name}`;
      expect(job.n).toBeGreaterThan(0);
      const attrs = await hub.api(`/v1/contacts/${contactId}`, { method: 'PATCH', token: t.apiKey, body: { attributes: { favouriteFlower: 'Ximena loves purple orchids' } } });
      expect(attrs.status).toBe(200);
      await withTenant(hub.ctx.sql, t.tenantId, (tx) => remember(tx, embeddingsFor(hub.ctx.config), { tenantId: t.tenantId, contactId, content: 'Ximena lives near Parque 93 in Bogotá' }));

      const exp = await hub.api(`/v1/contacts/${contactId}/export`, { token: t.accessToken });
      expect(exp.status).toBe(200);
      expect(exp.body.contact.attributes).toMatchObject({ favouriteFlower: 'Ximena loves purple orchids' });
      expect(exp.body.memories.map((m: { content: string }) => m.content)).toEqual(['Ximena lives near Parque 93 in Bogotá']);
      expect(exp.body.consents).toEqual([expect.objectContaining({ purpose: 'marketing', granted: true, source: 'widget', text: 'Ximena wants the flower newsletter', userAgent, ip: expect.any(String) })]);
      expect(exp.body.conversations[0].messages.map((m: { text: string }) => m.text)).toContain('Deliver the orchids to Carrera 7 #45-10');

      const before = await everything();
      for (const needle of [person.name, userAgent, 'Parque 93', 'purple orchids', 'Carrera 7 #45-10']) expect(before).toContain(needle);

      expect((await hub.api(`/v1/contacts/${contactId}`, { method: 'DELETE', token: t.accessToken })).status).toBe(200);
      const after = await everything();
      for (const needle of [person.name, 'Ximena', person.email, person.id, userAgent, 'flower newsletter', 'Parque 93', 'purple orchids', 'Carrera 7 #45-10', 'florist']) {
        expect(after, `"${needle}" survived erasure`).not.toContain(needle);
      }
      const [consents] = await hub.ctx.sql`select count(*)::int as n from consents where contact_id = ${contactId}`;
      expect(consents.n).toBe(0);
      const handoffAudit = await hub.api('/v1/audit?action=conversation.handoff_to_human', { token: t.accessToken });
      expect(handoffAudit.body.data.at(-1).data).toEqual({ reason: 'other' });
    } finally {
      socket.close();
    }
  });

  it('the scheduled retention job deletes old messages and finished webhook jobs holding their text', async () => {
    await inbound('old-1', { id: 'ret-1' }, 'an old message');
    await hub.ctx.sql`update messages set created_at = now() - interval '40 days' where text = 'an old message'`;
    // The webhook deliveries of that message, finished long ago, still embed its text. Wait until
    // the worker has tried once and is backing off, so it does not overwrite the state set here.
    await until(async () => (await hub.ctx.sql`select 1 from jobs where kind = 'webhook.deliver' and payload::text like '%an old message%'
      and status = 'queued' and attempts >= 1`).length > 0, 15_000, 'a failed delivery attempt');
    await hub.ctx.sql`update jobs set status = 'done', finished_at = now() - interval '40 days', created_at = now() - interval '40 days'
                      where kind = 'webhook.deliver' and payload::text like '%an old message%'`;
    const [oldJobs] = await hub.ctx.sql`select count(*)::int as n from jobs where payload::text like '%an old message%' and status = 'done'`;
    expect(oldJobs.n).toBeGreaterThan(0);
    expect((await hub.api('/v1/tenant', { method: 'PATCH', token: t.accessToken, body: { retentionDays: 30 } })).status).toBe(200);

    // The sweep the hub schedules hourly, for a later hour than the one already swept at start.
    const jobId = await scheduleRetention(hub.ctx.sql, new Date(Date.now() + 2 * 3600_000));
    expect(jobId).not.toBeNull();
    hub.ctx.wakeJobs();
    await until(async () => (await hub.ctx.sql`select status from jobs where id = ${jobId}`)[0]?.status === 'done', 15_000, 'the retention.sweep job');
    const [left] = await hub.ctx.sql`select count(*)::int as n from messages where text = 'an old message'`;
    expect(left.n).toBe(0);
    const [jobsLeft] = await hub.ctx.sql`select count(*)::int as n from jobs where payload::text like '%an old message%'`;
    expect(jobsLeft.n).toBe(0);
    const [kept] = await hub.ctx.sql`select count(*)::int as n from messages where text = 'I am Pedro and I stay'`;
    expect(kept.n).toBe(1);
    expect(await applyRetention(hub.ctx.sql)).toBe(0);
  });
});
