// A tenant's own model endpoint: a keyless baseUrl (Ollama) is used, PATCHes merge field by field
// (a model change keeps the sealed key; `apiKey: null` clears it), and tenant URLs that resolve to
// loopback/private/link-local addresses are refused unless MISY_ALLOW_PRIVATE_LLM_URLS is on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
import { visitor } from '../support/agents';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { checkTenantEndpoint, isPrivateAddress } from '../../agents/providers/endpoint-guard';

let fake: FakeOpenAI;
beforeAll(async () => { fake = await startFakeOpenAI(); });
afterAll(async () => { await fake?.close(); });

const chatRequests = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions'));

describe('tenant LLM settings (private endpoints allowed)', () => {
  let hub: TestHub;
  // No platform key at all: the hub is offline unless the tenant brings an endpoint.
  beforeAll(async () => { hub = await startTestHub({ MISY_ALLOW_PRIVATE_LLM_URLS: 'true' }); });
  afterAll(() => hub?.stop());

  it('answers through a keyless tenant baseUrl, and merges later PATCHes', async () => {
    const T = await createTenantViaApi(hub);
    await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Olla', description: 'Kitchen shop', instructions: 'Be brief.' } });
    const channel = await createWebChannel(hub, T.apiKey);
    const patch = (llm: unknown) => hub.api('/v1/tenant', { method: 'PATCH', token: T.apiKey, body: { llm } });

    const set = await patch({ baseUrl: fake.url, model: 'llama3' });
    expect(set.status).toBe(200);
    expect(set.body.settings.llm).toEqual({ baseUrl: fake.url, model: 'llama3', hasApiKey: false });

    fake.script({ kind: 'text', text: 'From your own Ollama.' });
    let before = chatRequests().length;
    const v = await visitor(hub, channel.widgetKey);
    try {
      const q = await v.ask('Do you sell cast iron pans?');
      expect((await v.replyTo(q)).text).toBe('From your own Ollama.');
      expect(chatRequests()[before].body.model).toBe('llama3');

      // A key, then a model-only change: the key and the baseUrl survive.
      await patch({ apiKey: 'sk-tenant-secret' });
      const modelOnly = await patch({ model: 'llama3.1' });
      expect(modelOnly.body.settings.llm).toEqual({ baseUrl: fake.url, model: 'llama3.1', hasApiKey: true });
      fake.script({ kind: 'text', text: 'Still yours.' });
      before = chatRequests().length;
      const q2 = await v.ask('And enamel pots, do you have those?');
      expect((await v.replyTo(q2)).text).toBe('Still yours.');
      expect(chatRequests()[before].headers.authorization).toBe('Bearer sk-tenant-secret');
      expect(chatRequests()[before].body.model).toBe('llama3.1');

      // apiKey: null clears only the key.
      const cleared = await patch({ apiKey: null });
      expect(cleared.body.settings.llm).toEqual({ baseUrl: fake.url, model: 'llama3.1', hasApiKey: false });
      expect((await patch(null)).body.settings.llm).toBeUndefined();
    } finally {
      v.close();
    }
  });
});

describe('tenant LLM settings (default: private endpoints refused)', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub({ OPENAI_API_KEY: 'sk-platform', OPENAI_BASE_URL: fake.url }); });
  afterAll(() => hub?.stop());

  it('refuses loopback, private, link-local and internal names with a 400, and stores nothing', async () => {
    const T = await createTenantViaApi(hub);
    for (const baseUrl of [fake.url, 'http://localhost:11434/v1', 'http://10.1.2.3/v1', 'http://169.254.169.254/latest', 'http://[::1]:8080/v1', 'http://[::ffff:127.0.0.1]/v1', 'file:///etc/passwd']) {
      const res = await hub.api('/v1/tenant', { method: 'PATCH', token: T.apiKey, body: { llm: { baseUrl } } });
      expect(res.status, baseUrl).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toMatch(/llm\.baseUrl/);
    }
    expect((await hub.api('/v1/tenant', { token: T.apiKey })).body.settings.llm).toBeUndefined();
    // A model alone is fine: it uses the platform's endpoint, which the operator chose.
    expect((await hub.api('/v1/tenant', { method: 'PATCH', token: T.apiKey, body: { llm: { model: 'm' } } })).status).toBe(200);
  });

  it('classifies addresses', async () => {
    for (const a of ['127.0.0.1', '10.0.0.5', '172.20.1.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd12::1', 'fe80::1', '::ffff:10.0.0.1']) expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1']) expect(isPrivateAddress(a), a).toBe(false);
    expect(await checkTenantEndpoint('https://8.8.8.8/v1', { allowPrivate: false })).toEqual({ ok: true });
    expect(await checkTenantEndpoint('http://127.0.0.1/v1', { allowPrivate: true })).toEqual({ ok: true });
  });
});
