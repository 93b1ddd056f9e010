// /metrics reports real values (HTTP latency by route, jobs by status and outcome, open transactions),
// and a delivery that dead-letters is visible: the job in /v1/jobs?status=dead, the message 'failed'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import type { HubEvent } from '../../hub/bus';

let hub: TestHub;
beforeAll(async () => { hub = await startTestHub(); });
afterAll(() => hub?.stop());

async function scrape(): Promise<string> {
  const res = await fetch(`${hub.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample, matched by its exact label set; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = line.match(/^(\w+)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(labels).length === Object.keys(got).length && Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function until(check: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

describe('/metrics', () => {
  it('counts HTTP requests per route template and status', async () => {
    const t = await createTenantViaApi(hub);
    const route = { method: 'GET', route: '/v1/channels/:id', status: '404' };
    const before = sample(await scrape(), 'misy_http_request_duration_seconds_count', route) ?? 0;
    for (let i = 0; i < 3; i++) await hub.api(`/v1/channels/${crypto.randomUUID()}`, { token: t.apiKey });
    const text = await scrape();
    expect(sample(text, 'misy_http_request_duration_seconds_count', route)).toBe(before + 3);
    expect(sample(text, 'misy_http_request_duration_seconds_bucket', { ...route, le: '+Inf' })).toBe(before + 3);
    expect(sample(text, 'misy_http_request_duration_seconds_sum', route)).toBeGreaterThan(0);
  });

  it('reports queued and dead jobs as the database counts them', async () => {
    const t = await createTenantViaApi(hub);
    // Not due for an hour, so no worker takes them while we look.
    await hub.ctx.sql`insert into jobs (tenant_id, kind, run_at) select ${t.tenantId}, 'metrics.later', now() + interval '1 hour' from generate_series(1, 3)`;
    await hub.ctx.sql`insert into jobs (tenant_id, kind, status, attempts, max_attempts) values (${t.tenantId}, 'metrics.dead', 'dead', 1, 1)`;
    const [db] = await hub.ctx.sql<{ queued: number; dead: number }[]>`
      select count(*) filter (where status = 'queued')::int as queued, count(*) filter (where status = 'dead')::int as dead from jobs`;
    const text = await scrape();
    expect(db.queued).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'misy_jobs', { status: 'queued' })).toBe(db.queued);
    expect(sample(text, 'misy_jobs', { status: 'dead' })).toBe(db.dead);
  });

  it('counts open transactions, not a configured constant', async () => {
    const gauge = hub.ctx.metrics.registry.getSingleMetric('misy_db_transactions_in_flight')!;
    const value = async () => (await gauge.get()).values[0]?.value;
    const outside = await value();
    const inside = await hub.ctx.sql.begin(async () => value());
    expect(inside).toBe((outside ?? 0) + 1);
    const text = await scrape();
    expect(sample(text, 'misy_db_pool_connections', { state: 'max' })).toBeUndefined();
    expect(sample(text, 'misy_db_pool_max_connections', {})).toBe(1); // the embedded transaction pool
  });
});

describe('a delivery that dead-letters', () => {
  it('is listed in /v1/jobs?status=dead, counted in /metrics, and its message becomes failed', async () => {
    const t = await createTenantViaApi(hub);
    // Port 9 refuses connections: every delivery attempt fails.
    const ch = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Down', config: { webhookUrl: 'http://127.0.0.1:9/hook' } } });
    const events: HubEvent[] = [];
    const off = hub.ctx.bus.subscribe((e) => events.push(e));
    const deadBefore = sample(await scrape(), 'misy_jobs_total', { kind: 'message.deliver', outcome: 'dead' }) ?? 0;
    const conv = await hub.api('/v1/conversations', { token: t.apiKey, body: { channelId: ch.body.id, contact: { externalId: 'u1' }, text: 'will not arrive' } });
    expect(conv.status).toBe(201);
    const messageId: string = conv.body.message.id;
    expect(conv.body.message.status).toBe('queued');
    // One attempt allowed, so the first failure dead-letters (a claimed copy may retry once more).
    await until(async () => {
      await hub.ctx.sql`update jobs set max_attempts = 1, run_at = now() where idempotency_key = ${`deliver:${messageId}`} and status = 'queued'`;
      return (await hub.ctx.sql`select status from jobs where idempotency_key = ${`deliver:${messageId}`}`)[0].status === 'dead';
    });
    off();
    const dead = await hub.api('/v1/jobs?status=dead', { token: t.apiKey });
    expect(dead.status).toBe(200);
    expect(dead.body.data).toHaveLength(1);
    expect(dead.body.data[0]).toMatchObject({ kind: 'message.deliver', status: 'dead' });
    expect(dead.body.data[0].lastError).toMatch(/fetch failed|ECONNREFUSED/);
    const msgs = await hub.api(`/v1/conversations/${conv.body.conversation.id}/messages`, { token: t.apiKey });
    expect(msgs.body.data.find((m: { id: string }) => m.id === messageId).status).toBe('failed');
    expect(events).toContainEqual(expect.objectContaining({ type: 'message:status', messageId, status: 'failed', tenantId: t.tenantId }));
    expect(sample(await scrape(), 'misy_jobs_total', { kind: 'message.deliver', outcome: 'dead' })).toBe(deadBefore + 1);
  });
});
