// Data-subject rights: export holds every message of the contact; after erasure no table holds
// the contact's name, email, phone or message text; retention deletes old messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { signMisy } from '../../hub/security/signatures';
import { applyRetention } from '../../hub/domain/privacy';

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
  await hub.api('/v1/webhooks', { token: t.apiKey, body: { url: 'http://127.0.0.1:9/unreachable', events: ['message.received', 'message.created'] } });
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

  it('retention deletes messages older than the tenant setting', async () => {
    await inbound('old-1', { id: 'ret-1' }, 'an old message');
    await hub.ctx.sql`update messages set created_at = now() - interval '40 days' where text = 'an old message'`;
    expect((await hub.api('/v1/tenant', { method: 'PATCH', token: t.accessToken, body: { retentionDays: 30 } })).status).toBe(200);
    const deleted = await applyRetention(hub.ctx.sql);
    expect(deleted).toBe(1);
    const [left] = await hub.ctx.sql`select count(*)::int as n from messages where text = 'an old message'`;
    expect(left.n).toBe(0);
    const [kept] = await hub.ctx.sql`select count(*)::int as n from messages where text = 'I am Pedro and I stay'`;
    expect(kept.n).toBe(1);
  });
});
