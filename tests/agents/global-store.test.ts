// The global store takes nothing without the tenant's opt-in AND the contact's `learning` consent,
// stores pairs without personal data or any link back, and serves nothing below k tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { startTestHub, createTenantViaApi, PLATFORM_KEY, type TestHub } from '../support/hub';
import { createWebChannel, emitAck, until } from '../support/realtime';
import { visitor } from '../support/agents';
import { consultGlobal } from '../../agents/global/store';
import { createLocalEmbeddings } from '../../agents/providers/local/embeddings';

let hub: TestHub;
type Tenant = Awaited<ReturnType<typeof createTenantViaApi>> & { channel: Awaited<ReturnType<typeof createWebChannel>> };
const tenants: Tenant[] = [];
const QUESTION = (name: string, email: string) => `Hi, I'm ${name} (${email}). Do you ship to Canada and how long does delivery take there?`;
const ANSWER = 'Yes, we ship to Canada. Delivery takes 7 to 10 business days and tracking is included.';

beforeAll(async () => {
  hub = await startTestHub({ MISY_GLOBAL_MIN_TENANTS: '3' });
  for (let i = 0; i < 4; i++) {
    const t = await createTenantViaApi(hub);
    tenants.push({ ...t, channel: await createWebChannel(hub, t.apiKey) });
  }
});
afterAll(() => hub?.stop());

async function optIn(t: Tenant, contribute: boolean) {
  const r = await hub.api('/v1/tenant', { method: 'PATCH', token: t.apiKey, body: { globalStore: { contribute, consult: true } } });
  expect(r.status).toBe(200);
}

/** A customer asks, an operator answers, the conversation resolves; waits for the resolve job. */
async function resolvedConversation(t: Tenant, who: { id: string; name: string; email: string }, learning: 'granted' | 'none' | 'withdrawn') {
  const hash = createHmac('sha256', t.channel.identitySecret).update(who.id).digest('hex');
  const v = await visitor(hub, t.channel.widgetKey, { identity: { id: who.id, name: who.name, email: who.email, hash } });
  try {
    if (learning !== 'none') expect((await emitAck(v.socket, 'consent:set', { purpose: 'learning', granted: true, text: 'Help improve answers' })).ok).toBe(true);
    if (learning === 'withdrawn') expect((await emitAck(v.socket, 'consent:set', { purpose: 'learning', granted: false })).ok).toBe(true);
    const q = await v.ask(QUESTION(who.name, who.email));
    expect((await hub.api(`/v1/conversations/${q.conversationId}/messages`, { token: t.accessToken, body: { text: ANSWER } })).status).toBe(201);
    expect((await hub.api(`/v1/conversations/${q.conversationId}/resolve`, { token: t.accessToken, body: {} })).status).toBe(200);
    await until(async () => {
      const [j] = await hub.ctx.sql`select status from jobs where kind = 'conversation.resolved' and payload->>'conversationId' = ${q.conversationId}`;
      return j?.status === 'done';
    }, 15_000, 'the resolve job');
  } finally {
    v.close();
  }
}

const entries = () => hub.ctx.sql<{ question: string; answer: string; contributors: number }[]>`select question, answer, cardinality(contributor_hashes) as contributors from global_entries`;
const served = () => consultGlobal(hub.ctx, createLocalEmbeddings(), 'how long does delivery to Canada take?', 5);

describe('global store', () => {
  it('takes nothing without the tenant opt-in, even with learning consent', async () => {
    await resolvedConversation(tenants[0], { id: 'u-1', name: 'Ana Gómez', email: 'ana.gomez@correo.co' }, 'granted');
    expect(await entries()).toHaveLength(0);
  });

  it('takes nothing from an opted-in tenant when the contact did not consent to learning', async () => {
    await optIn(tenants[0], true);
    await resolvedConversation(tenants[0], { id: 'u-2', name: 'Bruno Díaz', email: 'bruno@example.com' }, 'none');
    expect(await entries()).toHaveLength(0);
  });

  it('stores an anonymized pair with both, but serves it only once k tenants contributed', async () => {
    await resolvedConversation(tenants[0], { id: 'u-3', name: 'Carla Ruiz', email: 'carla.ruiz@mail.es' }, 'granted');
    let rows = await entries();
    expect(rows).toHaveLength(1);
    expect(rows[0].question).not.toMatch(/Carla|Ruiz|carla\.ruiz|@/);
    expect(rows[0].question).toMatch(/ship to Canada/);
    expect(rows[0].answer).toBe(ANSWER);
    expect(await served()).toHaveLength(0); // 1 tenant < k

    await optIn(tenants[1], true);
    await resolvedConversation(tenants[1], { id: 'x-9', name: 'Diego Torres', email: 'diego@torres.mx' }, 'granted');
    expect((await entries())[0].contributors).toBe(2);
    expect(await served()).toHaveLength(0); // 2 tenants < k

    await optIn(tenants[2], true);
    await resolvedConversation(tenants[2], { id: 'k-7', name: 'Elena Mora', email: 'elena@mora.com' }, 'granted');
    rows = await entries();
    expect(rows).toHaveLength(1);
    expect(rows[0].contributors).toBe(3);
    const hits = await served();
    expect(hits).toHaveLength(1);
    expect(hits[0].answer).toBe(ANSWER);
    // No column links an entry back to a tenant or a contact.
    const cols = await hub.ctx.sql<{ column_name: string }[]>`select column_name from information_schema.columns where table_name = 'global_entries'`;
    expect(cols.map((c) => c.column_name).filter((c) => /tenant|contact/.test(c))).toEqual([]);
  });

  it('a withdrawn learning consent stops contributions', async () => {
    await optIn(tenants[3], true);
    await resolvedConversation(tenants[3], { id: 'w-1', name: 'Fabio Sanz', email: 'fabio@sanz.it' }, 'withdrawn');
    expect((await entries())[0].contributors).toBe(3);
  });

  it('a tenant with consult: false gets no global entries, even ones k tenants contributed', async () => {
    const t = tenants[3];
    expect((await entries())[0].contributors).toBeGreaterThanOrEqual(3);
    expect((await hub.api('/v1/agents', { token: t.apiKey, body: { name: 'Helper', description: 'Shop assistant', instructions: '' } })).status).toBe(201);
    const ask = async () => {
      const v = await visitor(hub, t.channel.widgetKey);
      try {
        return await v.replyTo(await v.ask('How long does delivery to Canada take?'));
      } finally {
        v.close();
      }
    };
    const setConsult = async (consult: boolean) =>
      expect((await hub.api('/v1/tenant', { method: 'PATCH', token: t.apiKey, body: { globalStore: { contribute: true, consult } } })).status).toBe(200);

    await setConsult(false);
    const without = await ask();
    expect(without.text).not.toMatch(/7 to 10 business days/);
    expect(without.meta?.handoff).toBeDefined(); // the tenant's own knowledge is empty: nothing to answer with

    await setConsult(true); // the control: the same question, consulting, is answered from the entry
    const withGlobal = await ask();
    expect(withGlobal.text).toMatch(/7 to 10 business days/);
  });

  it('platform operators review and remove entries; tenants cannot', async () => {
    expect((await hub.api('/v1/global', { token: tenants[0].apiKey })).status).toBe(403);
    const list = await hub.api('/v1/global', { token: PLATFORM_KEY });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(Object.keys(list.body.data[0]).sort()).toEqual(['answer', 'contributors', 'createdAt', 'id', 'question', 'updatedAt']);
    expect((await hub.api(`/v1/global/${list.body.data[0].id}`, { method: 'DELETE', token: tenants[0].apiKey })).status).toBe(403);
    expect((await hub.api(`/v1/global/${list.body.data[0].id}`, { method: 'DELETE', token: PLATFORM_KEY })).status).toBe(200);
    expect(await entries()).toHaveLength(0);
  });
});
