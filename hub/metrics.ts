// Prometheus metrics (prom-client), one registry per hub instance so tests can run several.
import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Sql } from './store/database';
import { transactionGate } from './store/pools';

export function createMetrics(sql: Sql) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'misy_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobOutcomes = new Counter({ name: 'misy_jobs_total', help: 'Job runs by kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry] });
  const messages = new Counter({ name: 'misy_messages_total', help: 'Messages stored by direction and channel type', labelNames: ['direction', 'channel'], registers: [registry] });
  const admissions = new Counter({ name: 'misy_admissions_total', help: 'Front desk outcomes', labelNames: ['outcome'], registers: [registry] });
  new Gauge({
    name: 'misy_jobs',
    help: 'Jobs by status (queued, running, dead)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await sql<{ status: string; n: number }[]>`select status, count(*)::int as n from jobs where status <> 'done' group by status`.catch(() => []);
      this.reset();
      for (const s of ['queued', 'running', 'dead']) this.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
    },
  });
  // porsager's client exposes no pool statistics; every transaction (withTenant, withSystem,
  // migrations) passes the transaction gate of hub/store/pools.ts, which counts them.
  const gate = transactionGate(sql);
  new Gauge({
    name: 'misy_db_transactions_in_flight',
    help: 'Database transactions open or waiting for a connection in this process',
    registers: [registry],
    collect() { this.set(gate ? gate.inFlight + gate.queued : 0); },
  });
  new Gauge({
    name: 'misy_db_pool_max_connections',
    help: 'Transactions this process runs at once, one connection each (DATABASE_POOL_SIZE; 1 when embedded)',
    registers: [registry],
    collect() { this.set(gate?.size ?? 0); },
  });
  return { registry, httpDuration, jobOutcomes, messages, admissions };
}

export type Metrics = ReturnType<typeof createMetrics>;
