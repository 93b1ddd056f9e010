// Prometheus metrics (prom-client), one registry per hub instance so tests can run several.
import { Registry, Histogram, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { Sql } from './store/database';

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
  // porsager's client exposes no pool statistics, so the hub counts what it can see itself: every
  // transaction (withTenant, withSystem, migrations) goes through sql.begin, wrapped here.
  const transactions = countTransactions(sql);
  new Gauge({
    name: 'misy_db_transactions_in_flight',
    help: 'Database transactions open or waiting for a connection in this process',
    registers: [registry],
    collect() { this.set(transactions.inFlight()); },
  });
  new Gauge({
    name: 'misy_db_pool_max_connections',
    help: 'Configured maximum connections of this process\'s pool (DATABASE_POOL_SIZE; 1 when embedded)',
    registers: [registry],
    collect() { this.set((sql as unknown as { options: { max: number } }).options.max); },
  });
  return { registry, httpDuration, jobOutcomes, messages, admissions };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Wraps sql.begin in place to count open transactions; the wrapper is installed once per client. */
function countTransactions(sql: Sql): { inFlight: () => number } {
  const marked = sql as Sql & { misyTransactions?: { n: number } };
  if (!marked.misyTransactions) {
    const counter = { n: 0 };
    const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>;
    (sql as unknown as { begin: (...args: unknown[]) => Promise<unknown> }).begin = (...args: unknown[]) => {
      counter.n++;
      return begin(...args).finally(() => { counter.n--; });
    };
    marked.misyTransactions = counter;
  }
  const counter = marked.misyTransactions;
  return { inFlight: () => counter.n };
}
