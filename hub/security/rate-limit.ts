// Budgets per tenant and per contact by plan, and login throttles. Redis-backed when the hub runs with
// REDIS_URL (one budget shared by every replica), in memory otherwise. rate-limiter-flexible does the
// atomic bookkeeping: each budget is `points` per `duration` window, refilled whole when the window
// ends — a bucket of capacity N per minute, without a sub-minute trickle.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
import type { Config } from '../config';

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
  const cache = new Map<string, RateLimiterAbstract>();

  function limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    // Points are part of the name so a changed plan limit starts a fresh budget instead of
    // inheriting a counter kept under other rules.
    const keyPrefix = `${prefix}:${name}:${points}:${duration}`;
    let l = cache.get(keyPrefix);
    if (!l) {
      const base = { keyPrefix, points, duration };
      l = opts.redis
        ? new RateLimiterRedis({
            ...base,
            storeClient: opts.redis,
            useRedisPackage: true,
            // If Redis is down, limit per process rather than failing every request.
            insuranceLimiter: new RateLimiterMemory(base),
          })
        : new RateLimiterMemory(base);
      cache.set(keyPrefix, l);
    }
    return l;
  }

  function limiterFor(kind: LimitKind, plan: Plan): RateLimiterAbstract {
    switch (kind) {
      case 'tenant':
        return limiter(`tenant:${plan}`, opts.limits[plan].tenantPerMinute, 60);
      case 'contact':
        return limiter(`contact:${plan}`, opts.limits[plan].contactPerMinute, 60);
      case 'login_account':
      case 'login_ip':
        return limiter(kind, LOGIN_LIMITS[kind].points, LOGIN_LIMITS[kind].duration);
      // Anonymous widget sessions (each may create a contact) spend the tenant plan's budgets: an
      // address is held to what one contact may send, a widget key to what the whole tenant may.
      case 'widget_session_ip':
        return limiter(`widget_ip:${plan}`, opts.limits[plan].contactPerMinute, 60);
      case 'widget_session_key':
        return limiter(`widget_key:${plan}`, opts.limits[plan].tenantPerMinute, 60);
      default: {
        const unknown: never = kind;
        throw new Error(`unknown rate limit kind: ${String(unknown)}`);
      }
    }
  }

  return {
    async consume(kind, key, plan = 'free') {
      try {
        await limiterFor(kind, plan).consume(key, 1);
        return { ok: true };
      } catch (err) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent; anything else is a bug.
        if (err instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
        throw err;
      }
    },
  };
}
