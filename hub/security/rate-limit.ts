// Budgets per tenant and per contact by plan, anonymous widget sessions, and login throttles, as
// token buckets (hub/security/token-bucket.ts): each budget holds `points` tokens and refills
// continuously over `duration` seconds, so bursts up to the budget pass and the sustained rate is
// points/duration. Redis-backed when the hub runs with REDIS_URL (one bucket shared by every
// replica), in memory otherwise; if Redis fails, the process falls back to its own buckets rather
// than failing every request.
import type { RedisClientType } from 'redis';
import type { Config } from '../config';
import { createMemoryBuckets, createRedisBuckets, type BucketSpec } from './token-bucket';

export type LimitKind = 'tenant' | 'contact' | 'login_account' | 'login_ip' | 'widget_session_ip' | 'widget_session_key';
export type Plan = 'free' | 'premium' | 'enterprise';
/** `ok: false` maps to HTTP 429 with Retry-After: retryAfterSeconds. */
export type LimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends one point of the budget `kind`/`key`; `plan` matters for every kind but the login ones. */
  consume(kind: LimitKind, key: string, plan?: Plan): Promise<LimitVerdict>;
}

export interface RateLimiterOptions {
  /** A connected node-redis client; omit for a per-process in-memory limiter. */
  redis?: RedisClientType;
  limits: Config['rateLimits'];
  /** Namespace for Redis keys; default 'misy:rl'. */
  keyPrefix?: string;
}

/** Guessing passwords: per account and per source address, over 15 minutes. */
export const LOGIN_LIMITS = {
  login_account: { points: 10, duration: 15 * 60 },
  login_ip: { points: 50, duration: 15 * 60 },
} as const;

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const prefix = opts.keyPrefix ?? 'misy:rl';
  const memory = createMemoryBuckets();
  const shared = opts.redis ? createRedisBuckets(opts.redis) : null;

  function specFor(kind: LimitKind, plan: Plan): { name: string; spec: BucketSpec } {
    const perMinute = (name: string, capacity: number) => ({ name, spec: { capacity, periodSeconds: 60 } });
    switch (kind) {
      case 'tenant':
        return perMinute(`tenant:${plan}`, opts.limits[plan].tenantPerMinute);
      case 'contact':
        return perMinute(`contact:${plan}`, opts.limits[plan].contactPerMinute);
      // Anonymous widget sessions (each may create a contact) spend the tenant plan's budgets: an
      // address is held to what one contact may send, a widget key to what the whole tenant may.
      case 'widget_session_ip':
        return perMinute(`widget_ip:${plan}`, opts.limits[plan].contactPerMinute);
      case 'widget_session_key':
        return perMinute(`widget_key:${plan}`, opts.limits[plan].tenantPerMinute);
      case 'login_account':
      case 'login_ip':
        return { name: kind, spec: { capacity: LOGIN_LIMITS[kind].points, periodSeconds: LOGIN_LIMITS[kind].duration } };
      default: {
        const unknown: never = kind;
        throw new Error(`unknown rate limit kind: ${String(unknown)}`);
      }
    }
  }

  return {
    async consume(kind, key, plan = 'free') {
      const { name, spec } = specFor(kind, plan);
      // The rule is part of the key so a changed plan limit starts a fresh bucket instead of
      // inheriting state kept under other rules.
      const bucket = `${prefix}:${name}:${spec.capacity}:${spec.periodSeconds}:${key}`;
      let taken;
      try {
        taken = shared ? await shared.take(bucket, spec) : await memory.take(bucket, spec);
      } catch {
        taken = await memory.take(bucket, spec);
      }
      return taken.ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)) };
    },
  };
}
