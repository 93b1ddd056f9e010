// Realtime throughput and cost: a widget's `message:send` acked only after the message is
// committed (seq, dedupe, outbox, RLS) and fanned out to an operator's console, next to a raw
// socket.io echo ack in the same process (the baseline: the transport alone). Also the heap cost
// of an idle connection on each. Usage: npm run bench -- realtime [--n 1000] [--conns 300]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../hub/config';
import { startHub } from '../../hub/server';

const arg = (name: string, def: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || def;
const n = arg('n', 1000);
const conns = arg('conns', 300);
const ORIGIN = 'http://bench.example';

function stats(label: string, samples: number[], totalMs: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
  const rate = samples.length / (totalMs / 1000);
  console.log(`  ${label.padEnd(50)} ${rate.toFixed(0).padStart(6)} /s   p50 ${q(0.5)} ms   p99 ${q(0.99)} ms`);
  return rate;
}

function connect(url: string, auth: Record<string, string> = {}): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], auth, extraHeaders: { origin: ORIGIN }, forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => { s.once('connect', () => resolve(s)); s.once('connect_error', reject); });
}

async function heapPerConnection(open: () => Promise<Socket>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.(); await new Promise((r) => setTimeout(r, 200)); gc?.();
  const before = process.memoryUsage().heapUsed;
  const sockets: Socket[] = [];
  for (let i = 0; i < conns; i++) sockets.push(await open());
  await new Promise((r) => setTimeout(r, 300));
  gc?.(); await new Promise((r) => setTimeout(r, 200)); gc?.();
  const per = (process.memoryUsage().heapUsed - before) / conns;
  for (const s of sockets) s.close();
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
const hub = await startHub(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MISY_PLATFORM_KEY: 'bench-platform-key-0123456789', MISY_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
  MISY_SEED_DEMO: 'false', LOG_LEVEL: 'silent', MISY_RATE_LIMITS: JSON.stringify({ enterprise: { tenantPerMinute: 10_000_000, contactPerMinute: 10_000_000 } }) }), { seed: false });
const api = async (path: string, body?: unknown, token?: string) => {
  const res = await fetch(hub.url + path, { method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json', origin: ORIGIN, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return res.json() as Promise<any>;
};
try {
  const t = await api('/v1/tenants', { name: 'Bench', slug: 'bench', plan: 'enterprise', operator: { email: 'op@bench.test', password: 'bench-password-123' } }, 'bench-platform-key-0123456789');
  const channel = await api('/v1/channels', { type: 'web', name: 'Site', config: { allowedOrigins: [ORIGIN] } }, t.apiKey);
  const session = await api('/v1/widget/session', { widgetKey: channel.widgetKey });
  const login = await api('/v1/auth/login', { email: 'op@bench.test', password: 'bench-password-123' });
  const widget = await connect(`${hub.url}/widget`, { token: session.token });
  const operator = await connect(`${hub.url}/console`, { token: login.accessToken });
  const first = await widget.emitWithAck('message:send', { clientId: 'warm-0', text: 'hello' });
  await operator.emitWithAck('conversation:join', { conversationId: first.data.conversationId });

  const rawSocket = await connect(rawUrl);
  for (let i = 0; i < 100; i++) await rawSocket.emitWithAck('echo', { clientId: `w${i}`, text: 'warm up' });
  for (let i = 1; i <= 100; i++) await widget.emitWithAck('message:send', { clientId: `warm-${i}`, text: 'warm up' });

  console.log(`\n${n} sequential round trips each (one client)`);
  let samples: number[] = [];
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await rawSocket.emitWithAck('echo', { clientId: `c${i}`, text: `message ${i}` });
    samples.push(performance.now() - t0);
  }
  const baseRate = stats('baseline: raw socket.io echo ack', samples, performance.now() - start);

  const arrivals = new Map<string, number>();
  operator.on('message:new', (e: { message: { clientId?: string } }) => { if (e.message.clientId) arrivals.set(e.message.clientId, performance.now()); });
  const sentAt = new Map<string, number>();
  samples = [];
  start = performance.now();
  for (let i = 0; i < n; i++) {
    const clientId = `m${i}`;
    const t0 = performance.now();
    sentAt.set(clientId, t0);
    const ack = await widget.emitWithAck('message:send', { clientId, text: `message ${i}` });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    samples.push(performance.now() - t0);
  }
  const misyRate = stats('misy: message:send acked after commit', samples, performance.now() - start);
  await new Promise((r) => setTimeout(r, 500));
  const fanout = [...sentAt].filter(([id]) => arrivals.has(id)).map(([id, t0]) => arrivals.get(id)! - t0);
  const sortedF = fanout.sort((a, b) => a - b);
  console.log(`  ${'misy: widget send → operator console message:new'.padEnd(50)} ${String(fanout.length).padStart(6)} of ${n}   p50 ${sortedF[Math.floor(0.5 * sortedF.length)].toFixed(2)} ms   p99 ${sortedF[Math.floor(0.99 * sortedF.length)].toFixed(2)} ms`);
  console.log(`  misy / baseline: ${(misyRate / baseRate * 100).toFixed(1)}% of raw echo throughput`);

  console.log(`\nheap per idle connection (${conns} connections, clients in the same process)`);
  const rawPer = await heapPerConnection(() => connect(rawUrl));
  console.log(`  ${'baseline: raw socket.io'.padEnd(50)} ${(rawPer / 1024).toFixed(1).padStart(6)} KB`);
  const misyPer = await heapPerConnection(() => connect(`${hub.url}/widget`, { token: session.token }));
  console.log(`  ${'misy: authenticated /widget socket (rooms joined)'.padEnd(50)} ${(misyPer / 1024).toFixed(1).padStart(6)} KB`);
  rawSocket.close(); widget.close(); operator.close();
} finally {
  raw.close();
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
