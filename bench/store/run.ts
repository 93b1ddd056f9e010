// Message inserts per second through the store — seq assignment under the conversation lock,
// dedupe checks, RLS-scoped transaction, outbox job — next to a raw single-row INSERT baseline
// on the same database in the same run. Embedded PGlite always; a server too when DATABASE_URL is set.
// Usage: npm run bench -- store [--n 2000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openEmbedded, type Database } from '../../hub/store/database';
import { migrate } from '../../hub/store/migrate';
import { withTenant } from '../../hub/store/tenant';
import { appendMessage } from '../../hub/domain/messages';
import { enqueueJob } from '../../hub/jobs/queue';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 2000;

async function setup(db: Database) {
  await migrate(db.sql);
  const slug = `bench${Date.now().toString(36)}`;
  const [t] = await db.sql`insert into tenants (name, slug) values ('Bench', ${slug}) returning id`;
  return withTenant(db.sql, t.id, async (tx) => {
    const [ch] = await tx`insert into channels (tenant_id, type, name) values (${t.id}, 'api', 'bench') returning id`;
    const [ct] = await tx`insert into contacts (tenant_id, name) values (${t.id}, 'bench') returning id`;
    const [cv] = await tx`insert into conversations (tenant_id, channel_id, contact_id) values (${t.id}, ${ch.id}, ${ct.id}) returning id`;
    return { tenantId: t.id as string, channelId: ch.id as string, conversationId: cv.id as string };
  });
}

async function measure(label: string, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(-1 - i); // warm-up
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const perSec = n / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(52)} ${perSec.toFixed(0).padStart(7)} /s`);
  return perSec;
}

async function run(name: string, db: Database) {
  await db.sql`create table if not exists bench_raw (id bigint generated always as identity primary key, tenant_id uuid, body text, created_at timestamptz default now())`;
  const ids = await setup(db);
  console.log(`\n${name} (${n} sequential inserts each)`);
  const raw = await measure('baseline: raw single-row INSERT', (i) => db.sql`insert into bench_raw (tenant_id, body) values (${ids.tenantId}, ${'message ' + i})`);
  const store = await measure('store: message + seq + dedupe + outbox job (RLS tx)', (i) =>
    withTenant(db.sql, ids.tenantId, async (tx) => {
      const out = await appendMessage(tx, { tenantId: ids.tenantId, conversationId: ids.conversationId, channelId: ids.channelId, direction: 'in',
        sender: { type: 'contact', id: null }, text: `message ${i}`, externalId: `ext-${i}`, clientId: `c-${i}`, status: 'received' });
      await enqueueJob(tx, { tenantId: ids.tenantId, kind: 'bench.noop', payload: { messageId: out.message.id }, idempotencyKey: `bench:${out.message.id}` });
    }));
  console.log(`  store / baseline: ${(store / raw * 100).toFixed(0)}%`);
  await db.sql`drop table bench_raw`;
}

const dir = mkdtempSync(join(tmpdir(), 'misy-bench-store-'));
const embedded = await openEmbedded(join(dir, 'pgdata'));
try {
  await run('embedded PGlite', embedded);
} finally {
  await embedded.close();
  rmSync(dir, { recursive: true, force: true });
}
if (process.env.DATABASE_URL) {
  const server = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: dir, databasePoolSize: 4 });
  try { await run(`server ${new URL(process.env.DATABASE_URL).host}`, server); } finally { await server.close(); }
}
