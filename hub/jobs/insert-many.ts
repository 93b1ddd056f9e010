// Many outbox jobs in one statement (group commit writes a batch's jobs together).
import type { Tx } from '../store/database';
import type { EnqueueInput } from './queue';

export type { EnqueueInput };

export async function insertJobs(tx: Tx, jobs: EnqueueInput[]): Promise<void> {
  if (!jobs.length) return;
  const rows = jobs.map((j) => ({
    tenant_id: j.tenantId, kind: j.kind, payload: j.payload ?? {}, idempotency_key: j.idempotencyKey ?? null,
    run_at: (j.runAt ?? new Date()).toISOString(), max_attempts: j.maxAttempts ?? 8,
  }));
  await tx`
    insert into jobs (tenant_id, kind, payload, idempotency_key, run_at, max_attempts)
    select * from jsonb_to_recordset(${tx.json(rows as never)})
      as x(tenant_id uuid, kind text, payload jsonb, idempotency_key text, run_at timestamptz, max_attempts int)
    on conflict (idempotency_key) do nothing`;
}
