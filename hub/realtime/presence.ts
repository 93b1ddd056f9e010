// Which operators are online. With Redis the count of sockets per operator is shared by all
// replicas (a hash per tenant); without it, a local map. The change is broadcast via socket.io.
import type { RedisClientType } from 'redis';

export interface Presence {
  online(tenantId: string, operatorId: string, name: string | null): Promise<void>;
  offline(tenantId: string, operatorId: string, name: string | null): Promise<void>;
  list(tenantId: string): Promise<string[]>;
}

type Emit = (tenantId: string, e: { operatorId: string; name?: string; online: boolean }) => void;

export function createPresence(emit: Emit, redis?: RedisClientType): Presence {
  const local = new Map<string, Map<string, number>>();
  async function change(tenantId: string, operatorId: string, delta: 1 | -1): Promise<number> {
    if (redis) {
      const n = await redis.hIncrBy(`misy:presence:${tenantId}`, operatorId, delta);
      if (n <= 0) await redis.hDel(`misy:presence:${tenantId}`, operatorId);
      return n;
    }
    const m = local.get(tenantId) ?? new Map<string, number>();
    local.set(tenantId, m);
    const n = (m.get(operatorId) ?? 0) + delta;
    if (n <= 0) m.delete(operatorId);
    else m.set(operatorId, n);
    return n;
  }
  return {
    async online(tenantId, operatorId, name) {
      if ((await change(tenantId, operatorId, 1)) === 1) emit(tenantId, { operatorId, ...(name ? { name } : {}), online: true });
    },
    async offline(tenantId, operatorId, name) {
      if ((await change(tenantId, operatorId, -1)) <= 0) emit(tenantId, { operatorId, ...(name ? { name } : {}), online: false });
    },
    async list(tenantId) {
      if (redis) return Object.keys(await redis.hGetAll(`misy:presence:${tenantId}`));
      return [...(local.get(tenantId)?.keys() ?? [])];
    },
  };
}
