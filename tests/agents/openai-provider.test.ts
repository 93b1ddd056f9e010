// Misy's OpenAI provider (the real `openai` SDK) against a local server speaking the real wire
// protocol: tool round trips, streamed deltas in order, retries on 429/5xx, timeouts (before the
// headers and mid-stream), auth failures without retry, and embeddings of the fixed dimension.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { createOpenAIChatProvider, type OpenAIOptions } from '../../agents/providers/openai/chat';
import { createOpenAIEmbeddings } from '../../agents/providers/openai/embeddings';
import { LLMError } from '../../agents/providers/openai/errors';
import { EMBEDDING_DIMENSIONS, type ToolSpec } from '../../agents/providers/types';
import { startFakeOpenAI, fakeEmbedding, type FakeOpenAI } from '../support/fake-openai';

let fake: FakeOpenAI;
beforeAll(async () => { fake = await startFakeOpenAI(); });
afterAll(async () => { await fake?.close(); });
beforeEach(() => fake.reset());

const TIMEOUT_MS = 300;
const provider = (o: Partial<OpenAIOptions> = {}) =>
  createOpenAIChatProvider({ apiKey: 'sk-test-key', baseUrl: fake.url, model: 'gpt-test', timeoutMs: TIMEOUT_MS, maxRetries: 2, ...o });
const embeddings = (o: { model?: string; maxRetries?: number } = {}) =>
  createOpenAIEmbeddings({ apiKey: 'sk-test-key', baseUrl: fake.url, model: o.model ?? 'embed-test', timeoutMs: TIMEOUT_MS, maxRetries: o.maxRetries ?? 2 });
const chatRequests = () => fake.requests.filter((r) => r.path === '/v1/chat/completions');

/** The rejection of `p`, which must be an LLMError. */
async function llmError(p: Promise<unknown>): Promise<LLMError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(LLMError);
  return err as LLMError;
}

const SEARCH: ToolSpec = {
  name: 'search_knowledge',
  description: 'Search the knowledge base',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

describe('OpenAI chat provider over the wire', () => {
  describe.each([
    ['a JSON response', false],
    ['a streamed response', true],
  ])('tool-call round trip with %s', (_label, streamed) => {
    it('sends the tool result back with its tool_call_id and returns the final text', async () => {
      fake.script(
        { kind: 'tool_call', name: 'search_knowledge', args: { query: 'opening hours', limit: 3 } },
        { kind: 'text', text: 'We open at 7 am every day.' },
      );
      const chat = provider();
      const deltas: string[] = [];
      const onDelta = streamed ? (d: string) => deltas.push(d) : undefined;
      const messages: BaseMessage[] = [new SystemMessage('You are the bakery assistant.'), new HumanMessage('When do you open?')];

      const first = await chat.chat({ messages, tools: [SEARCH], onDelta });
      expect(first.text).toBe('');
      expect(first.toolCalls).toHaveLength(1);
      const [call] = first.toolCalls;
      expect(call).toMatchObject({ name: 'search_knowledge', args: { query: 'opening hours', limit: 3 } });
      expect(call.id).toMatch(/^call_/);

      messages.push(
        new AIMessage({ content: '', tool_calls: [{ id: call.id, name: call.name, args: call.args }] }),
        new ToolMessage({ content: 'The bakery opens at 7 am every day.', tool_call_id: call.id }),
      );
      const second = await chat.chat({ messages, tools: [SEARCH], onDelta });
      expect(second.text).toBe('We open at 7 am every day.');
      expect(second.toolCalls).toEqual([]);
      if (streamed) expect(deltas.join('')).toBe('We open at 7 am every day.');

      const [req1, req2] = chatRequests();
      expect(chatRequests()).toHaveLength(2);
      expect(req1.headers.authorization).toBe('Bearer sk-test-key');
      expect(req1.body.model).toBe('gpt-test');
      expect(!!req1.body.stream).toBe(streamed);
      expect(req1.body.tools).toEqual([{ type: 'function', function: { name: 'search_knowledge', description: SEARCH.description, parameters: SEARCH.parameters } }]);
      expect(req1.body.messages).toEqual([
        { role: 'system', content: 'You are the bakery assistant.' },
        { role: 'user', content: 'When do you open?' },
      ]);
      const [, , assistant, tool] = req2.body.messages;
      expect(req2.body.messages).toHaveLength(4);
      expect(assistant).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'search_knowledge' } }] });
      expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual({ query: 'opening hours', limit: 3 });
      expect(tool).toEqual({ role: 'tool', tool_call_id: call.id, content: 'The bakery opens at 7 am every day.' });
    });
  });

  it('assembles streamed tool calls: several calls, a name repeated per chunk, broken JSON arguments', async () => {
    fake.script({ kind: 'tool_calls', repeatName: true, calls: [
      { name: 'search_knowledge', args: { query: 'sourdough' } },
      { name: 'remember', args: '{"fact": "likes rye' },
    ] });
    const res = await provider().chat({ messages: [new HumanMessage('hi')], tools: [SEARCH], onDelta: () => {} });
    expect(res.toolCalls.map((c) => [c.name, c.args])).toEqual([['search_knowledge', { query: 'sourdough' }], ['remember', {}]]);
    expect(new Set(res.toolCalls.map((c) => c.id)).size).toBe(2);
  });

  it('streams deltas in order, joins them to the full text and reports usage', async () => {
    const chunks = ['Fresh ', 'sourdough ', 'comes out ', 'at 7 ', 'am', '.'];
    fake.script({ kind: 'text', text: chunks.join(''), chunks, chunkDelayMs: 5, usage: { prompt: 42, completion: 6 } });
    const deltas: string[] = [];
    const res = await provider().chat({ messages: [new HumanMessage('When is the bread fresh?')], onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual(chunks);
    expect(res.text).toBe(chunks.join(''));
    expect(res.usage).toEqual({ promptTokens: 42, completionTokens: 6 });
    expect(res.model).toBe('gpt-test');
    const [req] = chatRequests();
    expect(req.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('reports usage and honours per-request model and maxTokens without streaming', async () => {
    fake.script({ kind: 'text', text: 'Hello there.', usage: { prompt: 9, completion: 2 } });
    const res = await provider().chat({ messages: [new HumanMessage('hi')], model: 'gpt-other', maxTokens: 50 });
    expect(res).toMatchObject({ text: 'Hello there.', usage: { promptTokens: 9, completionTokens: 2 }, model: 'gpt-other' });
    expect(chatRequests()[0].body).toMatchObject({ model: 'gpt-other', max_tokens: 50 });
    expect(chatRequests()[0].body.stream).toBeUndefined();
  });

  it('answers with the default echo when nothing is scripted', async () => {
    expect((await provider().chat({ messages: [new HumanMessage('ping')] })).text).toBe('You said: ping');
  });

  it('retries a 429 (Retry-After: 0) and then succeeds', async () => {
    fake.script({ kind: 'status', status: 429, retryAfter: 0 }, { kind: 'text', text: 'Back again.' });
    const started = Date.now();
    expect((await provider().chat({ messages: [new HumanMessage('hi')] })).text).toBe('Back again.');
    expect(chatRequests()).toHaveLength(2);
    expect(chatRequests()[1].headers['x-stainless-retry-count']).toBe('1');
    expect(Date.now() - started).toBeLessThan(1000); // the Retry-After was honoured, not the default backoff
  });

  it('gives up with rate_limited after maxRetries 429s, and upstream after 5xx', async () => {
    for (let i = 0; i < 3; i++) fake.script({ kind: 'status', status: 429, retryAfterMs: 1 });
    expect((await llmError(provider().chat({ messages: [new HumanMessage('hi')] }))).code).toBe('rate_limited');
    expect(chatRequests()).toHaveLength(3);

    fake.reset();
    fake.script({ kind: 'status', status: 500, retryAfterMs: 1 }, { kind: 'status', status: 503, retryAfterMs: 1 });
    expect((await llmError(provider({ maxRetries: 1 }).chat({ messages: [new HumanMessage('hi')] }))).code).toBe('upstream');
    expect(chatRequests()).toHaveLength(2);
  });

  it('retries a model that never answers, then fails with timeout', async () => {
    for (let i = 0; i < 3; i++) fake.script({ kind: 'hang', ms: 5000 });
    const started = Date.now();
    const err = await llmError(provider({ maxRetries: 2 }).chat({ messages: [new HumanMessage('hi')] }));
    expect(err.code).toBe('timeout');
    expect(chatRequests()).toHaveLength(3); // maxRetries + 1
    expect(Date.now() - started).toBeLessThan(4000); // three 300 ms timeouts plus the SDK's backoff
  });

  it('fails with timeout when a stream stalls after its first chunk, instead of hanging', async () => {
    fake.script({ kind: 'text', text: 'We open at 7.', chunks: ['We open ', 'at 7.'], stallMs: 5000 });
    const deltas: string[] = [];
    const started = Date.now();
    const err = await llmError(provider().chat({ messages: [new HumanMessage('hi')], onDelta: (d) => deltas.push(d) }));
    expect(err.code).toBe('timeout');
    expect(deltas).toEqual(['We open ']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(chatRequests()).toHaveLength(1); // a stream that already produced text is not replayed
  });

  it('rejects a stream that ends without a finish_reason as bad_response, not a truncated reply', async () => {
    fake.script({ kind: 'text', text: 'We open at', chunks: ['We open ', 'at'], endEarly: true });
    expect((await llmError(provider().chat({ messages: [new HumanMessage('hi')], onDelta: () => {} }))).code).toBe('bad_response');
  });

  it("maps the caller's abort to timeout, without retrying", async () => {
    fake.script({ kind: 'hang', ms: 5000 }, { kind: 'text', text: 'a b c', stallMs: 5000 });
    const before = new AbortController();
    setTimeout(() => before.abort(), 50);
    expect((await llmError(provider().chat({ messages: [new HumanMessage('hi')], signal: before.signal }))).code).toBe('timeout');
    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    const err = await llmError(provider({ timeoutMs: 2000 }).chat({ messages: [new HumanMessage('hi')], signal: during.signal, onDelta: () => {} }));
    expect(err.code).toBe('timeout'); // not a silently truncated "a " reply
    expect(chatRequests()).toHaveLength(2);
  });

  it('maps 401 to auth without retrying', async () => {
    fake.script({ kind: 'status', status: 401 }, { kind: 'text', text: 'must not be reached' });
    const err = await llmError(provider({ apiKey: 'sk-wrong' }).chat({ messages: [new HumanMessage('hi')] }));
    expect(err.code).toBe('auth');
    expect(chatRequests()).toHaveLength(1);
    expect(chatRequests()[0].headers.authorization).toBe('Bearer sk-wrong');
  });
});

describe('OpenAI embeddings over the wire', () => {
  const texts = ['opening hours', 'sourdough loaf', 'gluten free cakes'];

  it('returns one vector of 256 dimensions per text, in input order', async () => {
    const vectors = await embeddings().embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) expect(v).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(vectors).toEqual(texts.map((t) => fakeEmbedding(t, EMBEDDING_DIMENSIONS)));
    const [req] = fake.requests;
    expect(req.path).toBe('/v1/embeddings');
    expect(req.headers.authorization).toBe('Bearer sk-test-key');
    expect(req.body).toMatchObject({ model: 'embed-test', input: texts, dimensions: EMBEDDING_DIMENSIONS });
    expect(embeddings().model).toBe('openai:embed-test');
  });

  it('orders vectors by data[].index when the server answers out of order', async () => {
    fake.scriptEmbeddings({ kind: 'embeddings', reverse: true });
    expect(await embeddings().embed(texts)).toEqual(texts.map((t) => fakeEmbedding(t)));
  });

  it('sends no request for no texts', async () => {
    expect(await embeddings().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a model that answers fewer dimensions (naming both sizes), or drops texts, with bad_response', async () => {
    fake.scriptEmbeddings({ kind: 'embeddings', dimensions: 128 });
    const short = await llmError(embeddings().embed(texts));
    expect(short.code).toBe('bad_response');
    expect(short.message).toMatch(/returned 128 dimensions, expected 256/);
    fake.scriptEmbeddings({ kind: 'embeddings', count: 2 });
    expect((await llmError(embeddings().embed(texts))).code).toBe('bad_response');
  });

  it('cuts a longer vector (a server that ignores `dimensions`) to 256 and re-normalizes it', async () => {
    fake.scriptEmbeddings({ kind: 'embeddings', dimensions: 768 });
    const vectors = await embeddings().embed(texts);
    for (const [i, v] of vectors.entries()) {
      expect(v).toHaveLength(EMBEDDING_DIMENSIONS);
      expect(Math.hypot(...v)).toBeCloseTo(1, 6);
      const prefix = fakeEmbedding(texts[i], 768).slice(0, EMBEDDING_DIMENSIONS);
      const norm = Math.hypot(...prefix);
      v.forEach((x, j) => expect(x).toBeCloseTo(prefix[j] / norm, 6));
    }
  });

  it('sends at most 64 inputs per request, keeps the order, and reports the tokens spent', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `text number ${i}`);
    let tokens = 0;
    const vectors = await embeddings().embed(many, { onUsage: (u) => { tokens += u.promptTokens; } });
    expect(vectors).toEqual(many.map((t) => fakeEmbedding(t)));
    expect(fake.requests.map((r) => r.body.input.length)).toEqual([64, 64, 22]);
    expect(tokens).toBe(150 * 3); // the fake counts whitespace-separated words
  });

  it('retries a 429 and maps 401 to auth', async () => {
    fake.scriptEmbeddings({ kind: 'status', status: 429, retryAfter: 0 });
    expect(await embeddings().embed(['x'])).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
    fake.reset();
    fake.scriptEmbeddings({ kind: 'status', status: 401 });
    expect((await llmError(embeddings().embed(['x']))).code).toBe('auth');
    expect(fake.requests).toHaveLength(1);
  });
});
