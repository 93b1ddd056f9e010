// Token buckets: a budget of `capacity` tokens that refills continuously at capacity/period, so a
// client may burst up to the capacity and then proceeds at the sustained rate — unlike a fixed
// window, which allows 2× the limit across a window edge and then blocks for up to a full window.
//
// Two stores behind one interface: in process memory, or Redis (one Lua script per take, so the
// read-refill-spend is atomic and every replica shares the bucket, using Redis's own clock).
import type { RedisClientType } from 'redis';

export interface BucketSpec { capacity: number; periodSeconds: number }
/** `ok: false` carries how long until one token is back. */
export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export interface BucketStore {
  take(key: string, spec: BucketSpec): Promise<TakeResult>;
}

/** The arithmetic both stores share; `tokens` and `at` are the bucket's state when last touched. */
export function refill(tokens: number, at: number, now: number, spec: BucketSpec): number {
  const perMs = spec.capacity / (spec.periodSeconds * 1000);
  return Math.min(spec.capacity, tokens + Math.max(0, now - at) * perMs);
}

export function createMemoryBuckets(now: () => number = Date.now, maxKeys = 100_000): BucketStore {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(key, spec) {
      const t = now();
      const b = buckets.get(key);
      const tokens = b ? refill(b.tokens, b.at, t, spec) : spec.capacity;
      if (tokens < 1) {
        buckets.set(key, { tokens, at: t });
        return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) * spec.periodSeconds * 1000) / spec.capacity) };
      }
      // Bounded memory: the oldest keys go first (a dropped bucket is simply full again).
      if (!b && buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
      buckets.set(key, { tokens: tokens - 1, at: t });
      return { ok: true };
    },
  };
}

// KEYS[1] bucket; ARGV capacity, period ms. Returns {1, 0} when taken, {0, retryAfterMs} otherwise.
const TAKE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * capacity / period)
local ok = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  wait = math.ceil((1 - tokens) * period / capacity)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], period)
return {ok, wait}`;

export function createRedisBuckets(redis: RedisClientType): BucketStore {
  return {
    async take(key, spec) {
      const [ok, wait] = (await redis.eval(TAKE, { keys: [key], arguments: [String(spec.capacity), String(spec.periodSeconds * 1000)] })) as [number, number];
      return ok === 1 ? { ok: true } : { ok: false, retryAfterMs: Number(wait) };
    },
  };
}
