// Messages per second through the real send path — storeOutbound + publishOutbound, what
// POST /v1/conversations/{id}/messages runs: RLS transaction, seq under the conversation lock,
// clientId dedupe, the message.deliver outbox job — next to a raw single-row INSERT baseline on
// the same database in the same run. Embedded PGlite always; the DATABASE_URL server too when set.
// Usage: npm run bench -- store [--n 2000]
//
// On a server a hub may be running: its workers would claim the bench's message.deliver jobs. So
// there every send (and every baseline insert) runs in a transaction that is rolled back — nothing
// becomes visible to other sessions, and the figures exclude the commit (WAL flush) on both sides.
// The bench's tenant is deleted at the end either way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig, type Config } from '../../hub/config';
import { openDatabase, openEmbedded, type Database, type Sql, type Tx } from '../../hub/store/database';
import { migrate } from '../../hub/store/migrate';
import { withTenant } from '../../hub/store/tenant';
import { createMetrics } from '../../hub/metrics';
import { createLocalBus } from '../../hub/bus';
import { storeOutbound, publishOutbound, type OutboundInput } from '../../hub/domain/outbound';
import type { HubContext } from '../../hub/context';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 2000;
const dir = mkdtempSync(join(tmpdir(), 'misy-bench-store-'));
// A secret is only needed because the config demands one with DATABASE_URL; the bench encrypts nothing.
const config: Config = loadConfig({ ...process.env, DATA_DIR: dir, MISY_SECRET: process.env.MISY_SECRET ?? 'bench-store-secret-not-used-for-anything' });

class Rollback extends Error {}

/** A transaction that is rolled back at the end (the result is kept). */
async function rolledBack<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let out: T | undefined;
  await sql.begin(async (tx) => {
    out = await fn(tx);
    throw new Rollback();
  }).catch((err) => { if (!(err instanceof Rollback)) throw err; });
  return out as T;
}

/** withTenant (RLS role, tenant set for the transaction), rolled back. */
function withTenantRolledBack<T>(sql: Sql, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return rolledBack(sql, async (tx) => {
    await tx.unsafe(`set local misy.tenant_id = '${tenantId}'; set local role misy_app`);
    return fn(tx);
  });
}

/** The hub context the send path touches (metrics, bus, job wake-up), with nothing listening. */
function benchContext(db: Database): HubContext {
  return { config, db, sql: db.sql, log: pino({ level: 'silent' }), metrics: createMetrics(db.sql), bus: createLocalBus(), wakeJobs: () => {}, fetch, now: Date.now } as unknown as HubContext;
}

async function setup(db: Database) {
  await migrate(db.sql);
  const slug = `bench-${Date.now().toString(36)}`;
  const [t] = await db.sql<{ id: string }[]>`insert into tenants (name, slug) values ('Bench', ${slug}) returning id`;
  return withTenant(db.sql, t.id, async (tx) => {
    // An api channel: outbound-capable, so every send enqueues its delivery job, as in production.
    const [ch] = await tx<{ id: string }[]>`insert into channels (tenant_id, type, name) values (${t.id}, 'api', 'bench') returning id`;
    const [ct] = await tx<{ id: string }[]>`insert into contacts (tenant_id, name) values (${t.id}, 'bench') returning id`;
    const [cv] = await tx<{ id: string }[]>`insert into conversations (tenant_id, channel_id, contact_id, status) values (${t.id}, ${ch.id}, ${ct.id}, 'open') returning id`;
    return { tenantId: t.id, conversationId: cv.id };
  });
}

async function measure(label: string, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(-1 - i); // warm-up
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(60)} ${perSec.toFixed(0).padStart(7)} /s`);
  return perSec;
}

async function run(name: string, db: Database, shared: boolean) {
  const ctx = benchContext(db);
  const table = `bench_raw_${process.pid}`;
  await db.sql.unsafe(`create table ${table} (id bigint generated always as identity primary key, tenant_id uuid, body text, created_at timestamptz default now())`);
  const ids = await setup(db);
  const scope = shared ? withTenantRolledBack : withTenant;
  const commit = shared ? 'rolled back' : 'committed';
  try {
    console.log(`\n${name} (${n} sequential operations each, ${commit})`);
    const raw = await measure('baseline: raw single-row INSERT', (i) =>
      shared
        ? rolledBack(db.sql, (tx) => tx.unsafe(`insert into ${table} (tenant_id, body) values ($1, $2)`, [ids.tenantId, `message ${i}`]))
        : db.sql.unsafe(`insert into ${table} (tenant_id, body) values ($1, $2)`, [ids.tenantId, `message ${i}`]));
    const send = await measure('send path: storeOutbound + publishOutbound (message + job)', async (i) => {
      const input: OutboundInput = { conversationId: ids.conversationId, text: `message ${i}`, clientId: `c-${i}`, sender: { type: 'system', id: 'bench', name: 'API' } };
      const result = await scope(db.sql, ids.tenantId, (tx) => storeOutbound(tx, ids.tenantId, input));
      if (result.duplicate) throw new Error('bench sent a duplicate: clientIds must be unique');
      publishOutbound(ctx, ids.tenantId, result);
    });
    console.log(`  send path / baseline: ${((send / raw) * 100).toFixed(0)}%`);
  } finally {
    // Leave nothing a running hub could pick up or show: the tenant's rows go with it (cascade).
    await db.sql`delete from jobs where tenant_id = ${ids.tenantId}`;
    await db.sql`delete from tenants where id = ${ids.tenantId}`;
    await db.sql.unsafe(`drop table ${table}`);
  }
}

try {
  const embedded = await openEmbedded(join(dir, 'pgdata'));
  try {
    await run('embedded PGlite', embedded, false);
  } finally {
    await embedded.close();
  }
  if (config.databaseUrl) {
    const server = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: dir, databasePoolSize: config.databasePoolSize });
    try {
      await run(`server ${new URL(config.databaseUrl).host}`, server, true);
    } finally {
      await server.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
