// The same handoff rules with a model configured and offline: an agent keyword, negative sentiment
// and repeated failure hand off *before* any model call (no tokens spent), and an ordinary question
// is still answered. With a model, the fake OpenAI-compatible server records every call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
import { visitor, conversationStatus, type Visitor } from '../support/agents';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';

let fake: FakeOpenAI;
beforeAll(async () => { fake = await startFakeOpenAI(); });
afterAll(async () => { await fake?.close(); });

for (const mode of ['model', 'offline'] as const) {
  describe(`handoff rules (${mode})`, () => {
    let hub: TestHub;
    let T: Awaited<ReturnType<typeof createTenantViaApi>>;
    let widgetKey: string;
    const visitors: Visitor[] = [];
    const chatCalls = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length;

    beforeAll(async () => {
      hub = await startTestHub(mode === 'model' ? { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, MISY_EMBEDDING_MODEL: 'local' } : {});
      T = await createTenantViaApi(hub);
      const agent = await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Helper', description: 'Store help', instructions: '', handoff: { keywords: ['lawyer', 'abogado'] } } });
      expect(agent.status).toBe(201);
      await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Hours', format: 'text', content: 'The store opens at 9 am and closes at 7 pm from Monday to Saturday.' } });
      widgetKey = (await createWebChannel(hub, T.apiKey)).widgetKey;
    });
    afterAll(async () => { for (const v of visitors) v.close(); await hub?.stop(); });

    async function ask(texts: string[]) {
      const v = await visitor(hub, widgetKey);
      visitors.push(v);
      const replies = [];
      for (const t of texts) {
        const q = await v.ask(t);
        replies.push({ q, reply: await v.replyTo(q) });
      }
      return replies;
    }
    const reasonOf = (m: { meta?: Record<string, unknown> }) => (m.meta?.handoff as { reason?: string } | undefined)?.reason;

    it('hands off on an agent keyword without calling the model', async () => {
      const before = chatCalls();
      const [{ q, reply }] = await ask(['I will talk with my lawyer about this order']);
      expect(reasonOf(reply)).toBe('keyword');
      expect(chatCalls()).toBe(before);
      expect(await conversationStatus(hub, T.apiKey, q.conversationId)).toBe('pending');
    });

    it('hands off on negative sentiment without calling the model', async () => {
      const before = chatCalls();
      const [{ reply }] = await ask(['This is the worst store ever, I am furious']);
      expect(reasonOf(reply)).toBe('negative_sentiment');
      expect(chatCalls()).toBe(before);
    });

    it('hands off when the contact asks the same question a third time', async () => {
      if (mode === 'model') fake.onChat(() => ({ kind: 'text', text: 'Could you tell me more about what you need?' }));
      const replies = await ask(['Can I bring my dog into the store?', 'can i bring my dog into the store', 'Can I bring my dog into the store??']);
      expect(replies.slice(0, 2).map((r) => reasonOf(r.reply))).not.toContain('repeated_failure');
      expect(reasonOf(replies[2].reply)).toBe('repeated_failure');
      fake.reset();
    });

    it.runIf(mode === 'model')('hands off after the agent said it did not know twice', async () => {
      fake.onChat(() => ({ kind: 'text', text: "I'm not sure, I don't know that one." }));
      const replies = await ask(['Do you sell gift cards?', 'What about vouchers for birthdays?', 'And for weddings?']);
      expect(reasonOf(replies[1].reply)).toBeUndefined();
      expect(reasonOf(replies[2].reply)).toBe('repeated_failure');
      fake.reset();
    });

    it('still answers an ordinary question', async () => {
      if (mode === 'model') fake.script({ kind: 'text', text: 'We open at 9 am.' });
      const [{ reply }] = await ask(['When does the store open?']);
      expect(reasonOf(reply)).toBeUndefined();
      expect(reply.text).toMatch(/9 am/);
    });
  });
}
