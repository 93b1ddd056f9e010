// `requireConsent` is a setting of every channel type, not only the web widget: accepted (and
// validated) on api, email and Meta channels, and enforced for messages arriving through them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { signMisy } from '../../hub/security/signatures';

let hub: TestHub;
let t: Awaited<ReturnType<typeof createTenantViaApi>>;

beforeAll(async () => {
  hub = await startTestHub();
  t = await createTenantViaApi(hub);
});
afterAll(() => hub?.stop());

const configs: [string, Record<string, unknown>][] = [
  ['api', {}],
  ['email', { address: 'help@shop.example', smtp: { host: '127.0.0.1', port: 2525, secure: false } }],
  ['whatsapp', { phoneNumberId: '1234567890', accessToken: 'EAAG-token', appSecret: 'app-secret-value', verifyToken: 'verify-me' }],
  ['web', { allowedOrigins: ['https://shop.example'] }],
];

describe('requireConsent on every channel type', () => {
  it.each(configs)('%s accepts requireConsent and keeps it through updates', async (type, config) => {
    const created = await hub.api('/v1/channels', { token: t.apiKey, body: { type, name: `${type} channel`, config: { ...config, requireConsent: ['ai', 'learning'] } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.config.requireConsent).toEqual(['ai', 'learning']);
    const patched = await hub.api(`/v1/channels/${created.body.id}`, { method: 'PATCH', token: t.apiKey, body: { config: { ...config, requireConsent: ['marketing'] } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.config.requireConsent).toEqual(['marketing']);
    const bad = await hub.api('/v1/channels', { token: t.apiKey, body: { type, name: 'bad', config: { ...config, requireConsent: ['telepathy'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^config\.requireConsent\.0: /);
  });

  it('an api channel requiring ai consent keeps the agent away until consent is granted', async () => {
    expect((await hub.api('/v1/agents', { token: t.apiKey, body: { name: 'Helper', description: 'Answers questions', instructions: 'Be brief.' } })).status).toBe(201);
    const ch = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: { requireConsent: ['ai'] } } });
    const secret: string = ch.body.generatedSecrets.secret;
    const send = async (id: string, text: string) => {
      const body = JSON.stringify({ type: 'message', id, from: { id: 'cust-42' }, text });
      const res = await hub.api(`/webhooks/api/${ch.body.id}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signMisy(secret, body, Math.floor(Date.now() / 1000)) } });
      expect(res.status).toBe(202);
      return res.body as { messageId: string; conversationId: string };
    };
    const agentJobs = async (messageId: string) =>
      (await hub.ctx.sql`select count(*)::int as n from jobs where kind = 'agent.reply' and payload->>'messageId' = ${messageId}`)[0].n;

    const first = await send('m-1', 'Where is my order?');
    expect(await agentJobs(first.messageId)).toBe(0);
    const conv = await hub.api(`/v1/conversations/${first.conversationId}`, { token: t.apiKey });
    expect(conv.body.status).toBe('pending');

    expect((await hub.api(`/v1/contacts/${conv.body.contactId}/consents`, { token: t.apiKey, body: { purpose: 'ai', granted: true, source: 'channel' } })).status).toBe(201);
    expect((await hub.api(`/v1/conversations/${first.conversationId}/handoff`, { token: t.apiKey, body: { to: 'bot' } })).status).toBe(200);
    const second = await send('m-2', 'Where is my order now?');
    expect(await agentJobs(second.messageId)).toBe(1);
  });
});
