// With an OpenAI-compatible provider: a failing embedding provider answers POST /v1/knowledge with
// 502 provider_unavailable (not a 500), embedding tokens are recorded in llm_usage like chat tokens,
// and so are the tokens of the router's classification call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
import { visitor } from '../support/agents';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';

let hub: TestHub;
let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  hub = await startTestHub({ OPENAI_API_KEY: 'sk-hub-key', OPENAI_BASE_URL: fake.url, MISY_EMBEDDING_MODEL: 'embed-model', MISY_CHAT_MODEL: 'chat-model', MISY_LLM_TIMEOUT_MS: '2000' });
});
afterAll(async () => { await hub?.stop(); await fake?.close(); });

const usageOf = (tenantId: string) => hub.ctx.sql<{ conversation_id: string | null; provider: string; model: string; prompt_tokens: number; completion_tokens: number }[]>`
  select conversation_id, provider, model, prompt_tokens, completion_tokens from llm_usage where tenant_id = ${tenantId} order by id`;

describe('embedding provider failures and usage', () => {
  it('answers 502 provider_unavailable when the embedding provider fails, and stores nothing', async () => {
    const T = await createTenantViaApi(hub);
    for (let i = 0; i < 3; i++) fake.scriptEmbeddings({ kind: 'status', status: 503 }); // the first try and the SDK's 2 retries
    const res = await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Returns', format: 'text', content: 'Returns are accepted within 30 days with the receipt.' } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('provider_unavailable');
    expect((await hub.api('/v1/knowledge', { token: T.apiKey })).body.data).toEqual([]);

    fake.scriptEmbeddings({ kind: 'embeddings', dimensions: 64 }); // too short to use
    const short = await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Returns', format: 'text', content: 'Returns are accepted within 30 days with the receipt.' } });
    expect(short.status).toBe(502);
    expect(short.body.error.message).toMatch(/64 dimensions, expected 256/);
  });

  it('records the tokens spent embedding a document and a search', async () => {
    const T = await createTenantViaApi(hub);
    const content = 'Returns are accepted within 30 days with the receipt. Refunds go back to the original card.';
    expect((await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Returns', format: 'text', content } })).status).toBe(201);
    const afterIngest = await usageOf(T.tenantId);
    expect(afterIngest).toEqual([{ conversation_id: null, provider: 'openai', model: 'embed-model', prompt_tokens: content.split(/\s+/).length, completion_tokens: 0 }]);
    expect((await hub.api('/v1/knowledge/search?q=can%20I%20return%20it', { token: T.apiKey })).status).toBe(200);
    expect((await usageOf(T.tenantId)).slice(1)).toEqual([{ conversation_id: null, provider: 'openai', model: 'embed-model', prompt_tokens: 4, completion_tokens: 0 }]);
  });

  it("records the router's classification call and the run's embeddings against the conversation", async () => {
    const T = await createTenantViaApi(hub);
    await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Billing', description: 'Invoices and refunds', instructions: '' } });
    const shipping = await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Shipping', description: 'Deliveries and couriers', instructions: '' } });
    const channel = await createWebChannel(hub, T.apiKey);
    fake.script({ kind: 'text', text: '2', usage: { prompt: 41, completion: 1 } }); // the router's pick
    fake.script({ kind: 'text', text: 'It ships tomorrow.', usage: { prompt: 300, completion: 4 } });
    const v = await visitor(hub, channel.widgetKey);
    try {
      const q = await v.ask('Where is my parcel?');
      const reply = await v.replyTo(q);
      expect(reply.meta?.agentId).toBe(shipping.body.id);
      const rows = (await usageOf(T.tenantId)).filter((r) => r.conversation_id === q.conversationId);
      expect(rows.filter((r) => r.model === 'chat-model').map((r) => [r.prompt_tokens, r.completion_tokens])).toEqual([[41, 1], [300, 4]]);
      // The question was embedded for memory and knowledge search: those tokens count too.
      expect(rows.some((r) => r.model === 'embed-model' && r.prompt_tokens > 0)).toBe(true);
    } finally {
      v.close();
    }
  });
});
