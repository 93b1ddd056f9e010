// Realtime throughput and cost, each next to a raw socket.io server in the same run:
//  (a) N concurrent widget clients, each sending M messages back to back; Misy acks a
//      `message:send` only after the message is committed (seq, dedupe, outbox, RLS) and fans it
//      out to a watching operator console. Baseline: the same clients against a raw socket.io
//      echo-ack server (the transport alone).
//  (b) heap per idle connection at 5,000 sockets: authenticated /widget sockets vs raw sockets.
// Usage: npm run bench -- realtime [--clients 50] [--messages 100] [--idle 5000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../hub/config';
import { startHub } from '../../hub/server';

const arg = (name: string, def: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || def;
const clients = arg('clients', 50);
const perClient = arg('messages', 100);
const idle = arg('idle', 5000);
const ORIGIN = 'http://bench.example';
const PLATFORM_KEY = 'bench-platform-key-0123456789';

interface Run { rate: number; p50: number; p95: number; p99: number }

function summarize(samples: number[], totalMs: number): Run {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { rate: samples.length / (totalMs / 1000), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

function print(label: string, r: Run) {
  const ms = (x: number) => `${x.toFixed(2)} ms`.padStart(9);
  console.log(`  ${label.padEnd(44)} ${r.rate.toFixed(0).padStart(7)} msg/s   p50 ${ms(r.p50)}   p95 ${ms(r.p95)}   p99 ${ms(r.p99)}`);
}

function verdict(label: string, ok: boolean, detail: string) {
  console.log(`  ${ok ? 'PASS' : 'MISS'}  ${label.padEnd(42)} ${detail}`);
}

function connect(url: string, auth: Record<string, string> = {}): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], auth, extraHeaders: { origin: ORIGIN }, forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => { s.once('connect', () => resolve(s)); s.once('connect_error', reject); });
}

/** Every client sends `perClient` messages, each after the previous one's ack; all clients at once. */
async function drive(sockets: Socket[], send: (s: Socket, client: number, i: number) => Promise<void>): Promise<Run> {
  const samples: number[] = [];
  const start = performance.now();
  await Promise.all(sockets.map(async (s, client) => {
    for (let i = 0; i < perClient; i++) {
      const t0 = performance.now();
      await send(s, client, i);
      samples.push(performance.now() - t0);
    }
  }));
  return summarize(samples, performance.now() - start);
}

async function settle() {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) { gc?.(); await new Promise((r) => setTimeout(r, 150)); }
}

/** Heap growth per open socket (server and client sides both live in this process, as in the baseline). */
async function heapPerConnection(open: (i: number) => Promise<Socket>): Promise<number> {
  await settle();
  const before = process.memoryUsage().heapUsed;
  const sockets: Socket[] = [];
  for (let i = 0; i < idle; i += 100) sockets.push(...await Promise.all(Array.from({ length: Math.min(100, idle - i) }, (_, j) => open(i + j))));
  await settle();
  const per = (process.memoryUsage().heapUsed - before) / idle;
  for (const s of sockets) s.close();
  await new Promise((r) => setTimeout(r, 500));
  return per;
}

// --- baseline: raw socket.io echo ---
const http = createServer();
const raw = new Server(http, { cors: { origin: true } });
raw.on('connection', (s) => s.on('echo', (payload: unknown, ack: (x: unknown) => void) => ack(payload)));
await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
const rawUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

// --- Misy: an embedded hub with a tenant, a web channel and an operator watching ---
const dataDir = mkdtempSync(join(tmpdir(), 'misy-bench-rt-'));
const hub = await startHub(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MISY_PLATFORM_KEY: PLATFORM_KEY, MISY_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
  MISY_SEED_DEMO: 'false', LOG_LEVEL: 'silent', MISY_RATE_LIMITS: JSON.stringify({ enterprise: { tenantPerMinute: 10_000_000, contactPerMinute: 10_000_000 } }) }), { seed: false });
const api = async (path: string, body?: unknown, token?: string) => {
  const res = await fetch(hub.url + path, { method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json', origin: ORIGIN, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
try {
  const t = await api('/v1/tenants', { name: 'Bench', slug: 'bench', plan: 'enterprise', operator: { email: 'op@bench.test', password: 'bench-password-123' } }, PLATFORM_KEY);
  const channel = await api('/v1/channels', { type: 'web', name: 'Site', config: { allowedOrigins: [ORIGIN] } }, t.apiKey);
  const login = await api('/v1/auth/login', { email: 'op@bench.test', password: 'bench-password-123' });
  const operator = await connect(`${hub.url}/console`, { token: login.accessToken });
  let fannedOut = 0;
  operator.on('conversation:updated', () => { fannedOut++; });

  // One visitor (own session, own conversation) per client.
  const sessions = await Promise.all(Array.from({ length: clients }, () => api('/v1/widget/session', { widgetKey: channel.widgetKey })));
  const widgets = await Promise.all(sessions.map((s) => connect(`${hub.url}/widget`, { token: s.token })));
  const rawSockets = await Promise.all(widgets.map(() => connect(rawUrl)));

  // Warm both paths (JIT, first conversation per visitor).
  await drive(rawSockets.slice(0, 10), (s, c, i) => s.emitWithAck('echo', { clientId: `w${c}-${i}`, text: 'warm up' }));
  await Promise.all(widgets.map((w, c) => w.emitWithAck('message:send', { clientId: `warm-${c}`, text: 'warm up' })));

  console.log(`\n(a) ${clients} concurrent clients × ${perClient} messages, each sent after the previous ack`);
  const base = await drive(rawSockets, (s, c, i) => s.emitWithAck('echo', { clientId: `c${c}-${i}`, text: `message ${i}` }));
  print('baseline: raw socket.io echo ack', base);
  fannedOut = 0;
  const misy = await drive(widgets, async (s, c, i) => {
    const ack = await s.emitWithAck('message:send', { clientId: `m${c}-${i}`, text: `message ${i}` });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  });
  print('misy: message:send acked after commit', misy);
  await new Promise((r) => setTimeout(r, 300));
  const stored = await api(`/v1/conversations?limit=1`, undefined, t.apiKey);
  console.log(`  operator console received ${fannedOut} of ${clients * perClient} live updates; ${stored.data ? 'conversations listed' : ''}`);
  verdict('throughput ≥ 40% of raw echo', misy.rate >= 0.4 * base.rate, `${(misy.rate / base.rate * 100).toFixed(1)}%`);
  verdict('p95 ≤ 3× raw echo p95', misy.p95 <= 3 * base.p95, `${(misy.p95 / base.p95).toFixed(2)}×`);
  for (const s of [...widgets, ...rawSockets]) s.close();

  console.log(`\n(b) heap per idle connection at ${idle} sockets (clients in the same process on both sides)`);
  const rawPer = await heapPerConnection(() => connect(rawUrl));
  console.log(`  ${'baseline: raw socket.io'.padEnd(44)} ${(rawPer / 1024).toFixed(1).padStart(7)} KB`);
  // Idle visitors: each its own session (as many as there are tabs would be), rooms joined.
  const idleSessions: { token: string }[] = [];
  for (let i = 0; i < idle; i += 200) idleSessions.push(...await Promise.all(Array.from({ length: Math.min(200, idle - i) }, () => api('/v1/widget/session', { widgetKey: channel.widgetKey }))));
  const misyPer = await heapPerConnection((i) => connect(`${hub.url}/widget`, { token: idleSessions[i].token }));
  console.log(`  ${'misy: authenticated /widget socket'.padEnd(44)} ${(misyPer / 1024).toFixed(1).padStart(7)} KB`);
  verdict('memory per connection ≤ 1.5× raw', misyPer <= 1.5 * rawPer, `${(misyPer / rawPer).toFixed(2)}×`);
  operator.close();
} finally {
  raw.close();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
