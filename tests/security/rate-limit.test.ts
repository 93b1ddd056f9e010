// Rate limits by plan: in memory per process, or one budget shared through the real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import { createRateLimiter, LOGIN_LIMITS, type LimitKind, type RateLimiter } from '../../hub/security/rate-limit';
import type { Config } from '../../hub/config';
import { createMemoryBuckets, createRedisBuckets } from '../../hub/security/token-bucket';

const limits: Config['rateLimits'] = {
  free: { tenantPerMinute: 5, contactPerMinute: 3 },
  premium: { tenantPerMinute: 8, contactPerMinute: 4 },
  enterprise: { tenantPerMinute: 20, contactPerMinute: 10 },
};

async function spend(limiter: RateLimiter, n: number, kind: LimitKind, key: string, plan?: 'free' | 'premium' | 'enterprise') {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await limiter.consume(kind, key, plan));
  return out;
}

describe('in-memory limiter', () => {
  it('allows N per minute by plan and blocks the (N+1)th with a positive Retry-After', async () => {
    const limiter = createRateLimiter({ limits });
    const freeRuns = await spend(limiter, 6, 'tenant', 't1', 'free');
    expect(freeRuns.slice(0, 5)).toEqual(Array(5).fill({ ok: true }));
    const blocked = freeRuns[5];
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    if (!blocked.ok) expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(60);

    const premium = await spend(limiter, 9, 'tenant', 't2', 'premium');
    expect(premium.filter((v) => v.ok).length).toBe(8);
    expect(premium[8].ok).toBe(false);
  });

  it('keeps separate budgets per key and per kind', async () => {
    const limiter = createRateLimiter({ limits });
    await spend(limiter, 3, 'contact', 'c1');
    expect((await limiter.consume('contact', 'c1')).ok).toBe(false);
    expect((await limiter.consume('contact', 'c2')).ok).toBe(true);
    expect((await limiter.consume('tenant', 'c1')).ok).toBe(true);
  });

  it('throttles logins: 10 per account and 50 per address over 15 minutes', async () => {
    const limiter = createRateLimiter({ limits });
    const account = await spend(limiter, LOGIN_LIMITS.login_account.points + 1, 'login_account', 'owner@example.test');
    expect(account.filter((v) => v.ok).length).toBe(10);
    const last = account[10];
    expect(last.ok).toBe(false);
    if (!last.ok) expect(last.retryAfterSeconds).toBeGreaterThan(60);
    const ip = await spend(limiter, 51, 'login_ip', '198.51.100.4');
    expect(ip.filter((v) => v.ok).length).toBe(50);
    expect(ip[50].ok).toBe(false);
  });
});

describe('token bucket', () => {
  it('bursts to capacity, then refills continuously (not at a window edge)', async () => {
    let now = 1_000_000;
    const buckets = createMemoryBuckets(() => now);
    const spec = { capacity: 6, periodSeconds: 60 }; // one token every 10 s
    for (let i = 0; i < 6; i++) expect(await buckets.take('k', spec)).toEqual({ ok: true });
    expect(await buckets.take('k', spec)).toEqual({ ok: false, retryAfterMs: 10_000 });
    now += 9_999;
    expect((await buckets.take('k', spec)).ok).toBe(false);
    now += 1;
    expect(await buckets.take('k', spec)).toEqual({ ok: true });
    expect((await buckets.take('k', spec)).ok).toBe(false);
    // After a quiet period the bucket is full again, never fuller than its capacity.
    now += 10 * 60_000;
    let burst = 0;
    while ((await buckets.take('k', spec)).ok) burst++;
    expect(burst).toBe(6);
  });
});

describe('Redis limiter', () => {
  let redis: RedisClientType;
  beforeAll(async () => {
    redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('two limiter instances (two hubs) share one budget', async () => {
    const keyPrefix = `misy:test:${randomUUID()}`;
    const hubA = createRateLimiter({ redis, limits, keyPrefix });
    const hubB = createRateLimiter({ redis, limits, keyPrefix });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await (i % 2 ? hubB : hubA).consume('tenant', 'shared-tenant', 'free'));
    expect(results).toEqual(Array(5).fill({ ok: true }));
    const a = await hubA.consume('tenant', 'shared-tenant', 'free');
    const b = await hubB.consume('tenant', 'shared-tenant', 'free');
    expect(a.ok).toBe(false);
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.retryAfterSeconds).toBeGreaterThan(0);
    // The budget lives in Redis, under the given prefix.
    expect((await redis.keys(`${keyPrefix}*`)).length).toBeGreaterThan(0);
  });

  it('a Redis bucket refills continuously: a token is back after period/capacity, not after the whole window', async () => {
    const buckets = createRedisBuckets(redis);
    const key = `misy:test:${randomUUID()}`;
    const spec = { capacity: 4, periodSeconds: 1 }; // one token every 250 ms
    for (let i = 0; i < 4; i++) expect((await buckets.take(key, spec)).ok).toBe(true);
    const blocked = await buckets.take(key, spec);
    expect(blocked.ok).toBe(false);
    if (!blocked.ok) expect(blocked.retryAfterMs).toBeLessThanOrEqual(250);
    await new Promise((r) => setTimeout(r, 300));
    expect((await buckets.take(key, spec)).ok).toBe(true);
    expect((await buckets.take(key, spec)).ok).toBe(false);
    expect(await redis.pTTL(key)).toBeGreaterThan(0);
  });

  it('a limiter with another prefix has its own budget', async () => {
    const one = createRateLimiter({ redis, limits, keyPrefix: `misy:test:${randomUUID()}` });
    const two = createRateLimiter({ redis, limits, keyPrefix: `misy:test:${randomUUID()}` });
    await spend(one, 3, 'contact', 'c');
    expect((await one.consume('contact', 'c')).ok).toBe(false);
    expect((await two.consume('contact', 'c')).ok).toBe(true);
  });
});
