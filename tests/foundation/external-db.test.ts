// The same hub code against a Postgres server reached by DATABASE_URL: a PGlite server in another
// process (pgvector available), and this machine's Postgres 15 (no pgvector: a clear refusal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTsx, type Child } from '../support/process';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import postgres from 'postgres';
import { openDatabase } from '../../hub/store/database';

let server: Child;
let dir: string;
let hub: TestHub;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'misy-pgserver-'));
  server = spawnTsx('tests/support/pglite-server.ts', [join(dir, 'pgdata')]);
  const [, port] = await server.waitFor(/listening (\d+)/, 60_000);
  hub = await startTestHub({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`, DATABASE_POOL_SIZE: '4' });
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DATABASE_URL', () => {
  it('runs the hub on an external server: migrations, tenants, messages', async () => {
    expect((await hub.api('/readyz')).body.ok).toBe(true);
    const t = await createTenantViaApi(hub);
    const ch = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } });
    const conv = await hub.api('/v1/conversations', { token: t.apiKey, body: { channelId: ch.body.id, contact: { externalId: 'x1' }, text: 'over the wire' } });
    expect(conv.status).toBe(201);
    const msgs = await hub.api(`/v1/conversations/${conv.body.conversation.id}/messages`, { token: t.accessToken });
    expect(msgs.body.data[0].text).toBe('over the wire');
    expect(hub.ctx.db.embedded).toBe(false);
  });

  it('keeps concurrent clients apart: transactions and statements never interleave', async () => {
    const port = new URL(hub.ctx.config.databaseUrl!).port;
    const pools = [0, 1].map(() => postgres({ host: '127.0.0.1', port: Number(port), username: 'postgres', database: 'postgres', max: 4, onnotice: () => {} }));
    await pools[0]`create table if not exists counter_test (id int primary key, n int not null)`;
    await pools[0]`insert into counter_test values (1, 0) on conflict (id) do update set n = 0`;
    const work = pools.flatMap((sql, p) => Array.from({ length: 40 }, (_, i) =>
      i % 2
        ? sql.begin(async (tx) => {
            const [row] = await tx`select n from counter_test where id = 1 for update`;
            await new Promise((r) => setTimeout(r, 1));
            await tx`update counter_test set n = ${row.n + 1} where id = 1`;
          })
        : sql`select ${p * 1000 + i}::int as v`.then(([r]) => expect(r.v).toBe(p * 1000 + i))));
    await Promise.all(work);
    const [final] = await pools[0]`select n from counter_test where id = 1`;
    expect(final.n).toBe(40);
    await Promise.all(pools.map((p) => p.end()));
  });

  it('refuses a server without pgvector with a clear message', async () => {
    await expect(openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres', dataDir: dir, databasePoolSize: 1 })).rejects.toThrow(/no pgvector extension/);
  });
});
