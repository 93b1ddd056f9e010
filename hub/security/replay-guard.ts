// Replay protection for signed ingress. A valid Misy v1 signature stays valid for its 5-minute
// window, so a captured request could be sent again and again inside it. The guard remembers each
// accepted signature per channel a little longer than the window (clock skew is allowed both ways)
// and refuses a second use.
//
// Shared state, so two hubs behind one load balancer agree: Redis `SET NX PX` when REDIS_URL is
// set, otherwise a Postgres table (the embedded database or the shared one) with an atomic upsert.
import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';
import type { Sql } from '../store/database';

/** Longer than the 5-minute tolerance in each direction would need; 10 minutes covers both. */
export const REPLAY_WINDOW_MS = 10 * 60_000;

export interface ReplayGuard {
  /**
   * Records `signature` for `scope` (a channel id). `first: false` means it was already used.
   * `release` forgets it again, for a request that failed for a reason the sender may retry
   * (rate limited, server error), so an honest retry of the same signed bytes still gets in.
   */
  claim(scope: string, signature: string): Promise<{ first: boolean; release: () => Promise<void> }>;
}

const keyOf = (scope: string, signature: string) => `${scope}:${createHash('sha256').update(signature.trim()).digest('hex')}`;

export function createRedisReplayGuard(redis: RedisClientType, windowMs = REPLAY_WINDOW_MS, prefix = 'misy:replay'): ReplayGuard {
  return {
    async claim(scope, signature) {
      const key = `${prefix}:${keyOf(scope, signature)}`;
      const set = await redis.set(key, '1', { NX: true, PX: windowMs });
      return { first: set === 'OK', release: async () => { await redis.del(key); } };
    },
  };
}

export function createDbReplayGuard(sql: Sql, windowMs = REPLAY_WINDOW_MS): ReplayGuard {
  let claims = 0;
  return {
    async claim(scope, signature) {
      const key = keyOf(scope, signature);
      // Insert, or take over a row whose window has passed; a live row means a replay.
      const rows = await sql`
        insert into ingress_signatures (key, expires_at) values (${key}, now() + make_interval(secs => ${windowMs / 1000}))
        on conflict (key) do update set expires_at = excluded.expires_at where ingress_signatures.expires_at < now()
        returning 1`;
      // Expired rows are swept now and then, not on every request.
      if (++claims % 500 === 0) await sql`delete from ingress_signatures where expires_at < now()`.catch(() => {});
      return { first: rows.length === 1, release: async () => { await sql`delete from ingress_signatures where key = ${key}`; } };
    },
  };
}
