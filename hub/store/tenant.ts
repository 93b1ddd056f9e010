// The only door to tenant data. Inside withTenant the transaction runs as misy_app, a role
// that cannot bypass row-level security, with misy.tenant_id set for this transaction only.
import type { Sql, Tx } from './database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function withTenant<T>(sql: Sql, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error(`withTenant: not a tenant id: ${tenantId}`);
  return sql.begin(async (tx) => {
    // One round trip; tenantId is a validated UUID, so inlining it is safe.
    await tx.unsafe(`set local misy.tenant_id = '${tenantId}'; set local role misy_app`);
    return fn(tx);
  }) as Promise<T>;
}

/** Work that spans tenants by nature (key lookups, job claiming, migrations). Keep it small and explicit. */
export async function withSystem<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return sql.begin((tx) => fn(tx)) as Promise<T>;
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
