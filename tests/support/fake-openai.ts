// A local OpenAI-compatible server speaking the real wire protocol, for driving Misy's OpenAI
// provider (and the hub through it) over real HTTP: `POST /v1/chat/completions` as JSON or as SSE
// (`data: {chunk}\n\n` … `data: [DONE]`, content deltas, tool_calls split over chunks, a usage chunk
// when `stream_options.include_usage`), and `POST /v1/embeddings` (deterministic unit vectors, float
// or base64). Behaviours are scripted per request; every request is recorded for assertions.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage { prompt: number; completion: number }
export interface FakeToolCall { name: string; args: Record<string, unknown> | string; id?: string }

/** A text answer. Streamed as `chunks` (default: split on word boundaries), `chunkDelayMs` apart;
 *  `stallMs` pauses after the first chunk (headers and some content sent, then silence); `endEarly`
 *  closes the stream cleanly after the content, with no finish_reason and no `[DONE]`. */
export interface TextBehaviour { kind: 'text'; text: string; chunks?: string[]; chunkDelayMs?: number; stallMs?: number; endEarly?: boolean; usage?: FakeUsage }
/** One tool call; `args` as a string is sent verbatim (e.g. broken JSON). Arguments stream in ~3 pieces;
 *  `repeatName` repeats the function name on every chunk, as some compatible servers do. */
export interface ToolCallBehaviour { kind: 'tool_call'; name: string; args: Record<string, unknown> | string; id?: string; repeatName?: boolean; usage?: FakeUsage }
export interface ToolCallsBehaviour { kind: 'tool_calls'; calls: FakeToolCall[]; repeatName?: boolean; usage?: FakeUsage }
/** An HTTP error. `retryAfter` is seconds (`Retry-After`), `retryAfterMs` sets `retry-after-ms`. */
export interface StatusBehaviour { kind: 'status'; status: number; retryAfter?: number; retryAfterMs?: number; body?: unknown }
/** Answer nothing for `ms` (so the client times out), then the default reply if anyone still listens. */
export interface HangBehaviour { kind: 'hang'; ms: number }
export type ChatBehaviour = TextBehaviour | ToolCallBehaviour | ToolCallsBehaviour | StatusBehaviour | HangBehaviour;

/** Vectors of `dimensions` (default: the request's, else 256), optionally in reversed `data` order or `count` of them. */
export interface EmbeddingsBehaviour { kind: 'embeddings'; dimensions?: number; reverse?: boolean; count?: number }
export type EmbeddingBehaviour = EmbeddingsBehaviour | StatusBehaviour | HangBehaviour;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  // Parsed JSON, loosely typed so tests can reach into messages/tools directly.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  at: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ChatResponder = (body: any, req: RecordedRequest) => ChatBehaviour;

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, for `baseURL`/`OPENAI_BASE_URL`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues chat behaviours, consumed one per `/chat/completions` request, in order. */
  script(...behaviours: ChatBehaviour[]): void;
  /** Queues embeddings behaviours, consumed one per `/embeddings` request, in order. */
  scriptEmbeddings(...behaviours: EmbeddingBehaviour[]): void;
  /** What to answer when the chat queue is empty (default: echo the last user message). */
  onChat(fn: ChatResponder | null): void;
  /** Clears both queues, the responder and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_DIMENSIONS = 256;

/** The vector the fake returns for `text`: deterministic, unit length, float32-exact (so float and base64 agree). */
export function fakeEmbedding(text: string, dimensions = DEFAULT_DIMENSIONS): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619) >>> 0;
  const raw: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    // mulberry32
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    raw.push(((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** The default reply: echoes the last user message. */
export function echoReply(body: { messages?: { role: string; content?: unknown }[] }): TextBehaviour {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const content = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  return { kind: 'text', text: `You said: ${content}` };
}

const tokens = (s: string) => (s.match(/\S+/g) ?? []).length;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorBody(status: number): unknown {
  const [type, code, message] =
    status === 401 ? ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.']
    : status === 403 ? ['invalid_request_error', 'unsupported_country_region_territory', 'Request not allowed.']
    : status === 404 ? ['invalid_request_error', 'model_not_found', 'The model does not exist.']
    : status === 429 ? ['requests', 'rate_limit_exceeded', 'Rate limit reached. Please try again later.']
    : status >= 500 ? ['server_error', null, 'The server had an error while processing your request.']
    : ['invalid_request_error', null, `Request failed with status ${status}.`];
  return { error: { message, type, param: null, code } };
}

function splitWords(text: string): string[] {
  const parts = text.match(/\S+\s*|\s+/g) ?? [];
  return parts.length ? parts : [text];
}

function splitInThree(s: string): string[] {
  if (s.length < 3) return [s];
  const a = Math.ceil(s.length / 3);
  return [s.slice(0, a), s.slice(a, 2 * a), s.slice(2 * a)];
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let chatQueue: ChatBehaviour[] = [];
  let embeddingQueue: EmbeddingBehaviour[] = [];
  let responder: ChatResponder | null = null;
  let nextId = 0;
  const id = (prefix: string) => `${prefix}${(++nextId).toString(36).padStart(8, '0')}`;

  /** Waits `ms`, or less if the client goes away; resolves true when the client is still there. */
  function wait(res: ServerResponse, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (res.destroyed) return resolve(false);
      const onClose = () => { clearTimeout(timer); resolve(false); };
      const timer = setTimeout(() => { res.off('close', onClose); resolve(!res.destroyed); }, ms);
      res.once('close', onClose);
    });
  }

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (res.destroyed) return;
    const payload = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': id('req_'), ...headers });
    res.end(payload);
  }

  function sendStatus(res: ServerResponse, b: StatusBehaviour) {
    const headers: Record<string, string> = {};
    if (b.retryAfter !== undefined) headers['retry-after'] = String(b.retryAfter);
    if (b.retryAfterMs !== undefined) headers['retry-after-ms'] = String(b.retryAfterMs);
    json(res, b.status, b.body ?? errorBody(b.status), headers);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function chat(res: ServerResponse, body: any, rec: RecordedRequest) {
    const first = chatQueue.shift() ?? (responder ?? echoReply)(body, rec);
    let b: Exclude<ChatBehaviour, HangBehaviour>;
    if (first.kind === 'hang') {
      if (!(await wait(res, first.ms))) return;
      const next = (responder ?? echoReply)(body, rec);
      b = next.kind === 'hang' ? echoReply(body) : next;
    } else b = first;
    if (b.kind === 'status') return sendStatus(res, b);
    const model = typeof body.model === 'string' ? body.model : 'fake-model';
    const calls: FakeToolCall[] = b.kind === 'tool_call' ? [{ name: b.name, args: b.args, id: b.id }] : b.kind === 'tool_calls' ? b.calls : [];
    const wire = calls.map((c) => ({ id: c.id ?? id('call_'), name: c.name, arguments: typeof c.args === 'string' ? c.args : JSON.stringify(c.args) }));
    const text = b.kind === 'text' ? b.text : '';
    const repeatName = (b.kind === 'tool_call' || b.kind === 'tool_calls') && !!b.repeatName;
    const promptText = (body.messages ?? []).map((m: { content?: unknown }) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))).join(' ');
    const usage = b.usage ?? { prompt: tokens(promptText), completion: tokens(text) + wire.reduce((n, c) => n + tokens(c.arguments) + 1, 0) };
    const usageWire = { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion };
    const finish = wire.length ? 'tool_calls' : 'stop';
    const completionId = id('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      return json(res, 200, {
        id: completionId, object: 'chat.completion', created, model, system_fingerprint: 'fp_fake',
        choices: [{
          index: 0,
          message: {
            role: 'assistant', content: wire.length ? null : text, refusal: null,
            ...(wire.length ? { tool_calls: wire.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
          },
          logprobs: null, finish_reason: finish,
        }],
        usage: usageWire,
      });
    }

    const includeUsage = !!body.stream_options?.include_usage;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': id('req_') });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}) => {
      if (res.destroyed) return;
      const chunk = { id: completionId, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices, ...(includeUsage ? { usage: null } : {}), ...extra };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    };
    const delta = (d: Record<string, unknown>, finishReason: string | null = null) => send([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);

    if (wire.length) {
      delta({ role: 'assistant', content: null });
      for (const [index, c] of wire.entries()) {
        delta({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
        for (const piece of splitInThree(c.arguments)) delta({ tool_calls: [{ index, function: { ...(repeatName ? { name: c.name } : {}), arguments: piece } }] });
      }
    } else {
      const tb = b as TextBehaviour;
      delta({ role: 'assistant', content: '', refusal: null });
      const chunks = tb.chunks ?? splitWords(text);
      for (const [i, piece] of chunks.entries()) {
        delta({ content: piece });
        if (i === 0 && tb.stallMs && !(await wait(res, tb.stallMs))) return;
        if (tb.chunkDelayMs && i < chunks.length - 1 && !(await wait(res, tb.chunkDelayMs))) return;
      }
      if (tb.endEarly) return void res.end();
    }
    delta({}, finish);
    if (includeUsage) send([], { usage: usageWire });
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function embeddings(res: ServerResponse, body: any) {
    let b: EmbeddingBehaviour = embeddingQueue.shift() ?? { kind: 'embeddings' };
    if (b.kind === 'hang') {
      if (!(await wait(res, b.ms))) return;
      b = { kind: 'embeddings' };
    }
    if (b.kind === 'status') return sendStatus(res, b);
    const input: string[] = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    const dims = b.dimensions ?? (typeof body.dimensions === 'number' ? body.dimensions : DEFAULT_DIMENSIONS);
    const base64 = body.encoding_format === 'base64';
    let data = input.slice(0, b.count ?? input.length).map((text, index) => {
      const v = fakeEmbedding(text, dims);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v };
    });
    if (b.reverse) data = data.reverse();
    const prompt = input.reduce((n, t) => n + tokens(t), 0);
    json(res, 200, { object: 'list', data, model: body.model ?? 'fake-embedding', usage: { prompt_tokens: prompt, total_tokens: prompt } });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
      const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, at: Date.now() };
      requests.push(rec);
      const handle = async () => {
        if (req.method === 'POST' && path === '/v1/chat/completions') {
          if (!body || typeof body !== 'object') return json(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error', param: null, code: null } });
          return chat(res, body, rec);
        }
        if (req.method === 'POST' && path === '/v1/embeddings') {
          if (!body || typeof body !== 'object') return json(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error', param: null, code: null } });
          return embeddings(res, body);
        }
        if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'misy-tests' }] });
        json(res, 404, { error: { message: `Unknown request URL: ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
      };
      handle().catch((err) => {
        if (!res.headersSent) json(res, 500, { error: { message: String(err), type: 'server_error', param: null, code: null } });
        else res.destroy();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...b) => { chatQueue.push(...b); },
    scriptEmbeddings: (...b) => { embeddingQueue.push(...b); },
    onChat: (fn) => { responder = fn; },
    reset: () => { chatQueue = []; embeddingQueue = []; responder = null; requests.length = 0; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
