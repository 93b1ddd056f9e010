// The audit log is hash-chained per tenant: entries appended through withTenant (as misy_app) verify;
// altering any row or deleting one from the middle breaks the chain at a named row, in process and
// through `hub/cli/audit-verify.ts`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createTestDb } from '../support/db';
import { seedTemplate } from '../support/template';
import { ROOT } from '../support/process';
import { openEmbedded, type Sql } from '../../hub/store/database';
import { migrate } from '../../hub/store/migrate';
import { withTenant } from '../../hub/store/tenant';
import { appendAudit, configureAuditKeys, verifyAuditChain, type AuditEntry } from '../../hub/security/audit';

// Row hashes are keyed from the master secret; the CLI below is given the same one.
const MASTER_SECRET = 'cli-test-master-secret-0123456789abcdef';
configureAuditKeys(MASTER_SECRET);

type Db = Awaited<ReturnType<typeof createTestDb>>;
type Row = { id: number; seq: number; prev_hash: string; hash: string; created_at: Date; data: unknown };

async function createTenant(sql: Sql, slug: string): Promise<string> {
  const [t] = await sql<{ id: string }[]>`insert into tenants (name, slug) values (${slug}, ${slug}) returning id`;
  return t.id;
}

function entries(tenantId: string, n: number): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    tenantId,
    actorType: i % 2 ? 'operator' : 'api_key',
    actorId: `actor-${i}`,
    action: i % 3 ? 'channel.updated' : 'consent.changed',
    targetType: 'channel',
    targetId: `target-${i}`,
    data: { fields: ['name', 'config'], n: i, nested: { z: 1, a: [true, null] } },
    ip: i % 2 ? '203.0.113.7' : null,
  }));
}

async function appendAll(sql: Sql, list: AuditEntry[]): Promise<void> {
  for (const e of list) await withTenant(sql, e.tenantId, (tx) => appendAudit(tx, e));
}

const rowsOf = (sql: Sql, tenantId: string) =>
  sql<Row[]>`select id, seq, prev_hash, hash, created_at, data from audit_log where tenant_id = ${tenantId} order by seq`;

describe('appendAudit / verifyAuditChain', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db?.close());

  it('an empty log verifies with zero rows', async () => {
    expect(await verifyAuditChain(db.sql)).toEqual({ ok: true, checked: 0 });
  });

  it('chains entries per tenant with contiguous seq, genesis prev_hash and linked hashes', async () => {
    const a = await createTenant(db.sql, 'chain-a');
    const b = await createTenant(db.sql, 'chain-b');
    // Interleave two tenants: each keeps its own chain.
    const ea = entries(a, 6);
    const eb = entries(b, 4);
    for (let i = 0; i < 6; i++) {
      await appendAll(db.sql, [ea[i]]);
      if (eb[i]) await appendAll(db.sql, [eb[i]]);
    }
    const rows = await rowsOf(db.sql, a);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[0].prev_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(6);
    expect(await verifyAuditChain(db.sql, a)).toEqual({ ok: true, checked: 6 });
    expect(await verifyAuditChain(db.sql, b)).toEqual({ ok: true, checked: 4 });
  });

  it('stores created_at from the injected clock exactly, and data as it reads back', async () => {
    const t = await createTenant(db.sql, 'clock');
    const when = new Date('2031-02-03T04:05:06.789Z');
    await withTenant(db.sql, t, (tx) =>
      appendAudit(tx, { tenantId: t, actorType: 'system', action: 'retention.purged', data: { dropped: undefined, at: new Date(0), count: 3 } }, () => when),
    );
    const [row] = await rowsOf(db.sql, t);
    expect(row.created_at.toISOString()).toBe(when.toISOString());
    expect(row.data).toEqual({ at: '1970-01-01T00:00:00.000Z', count: 3 });
    expect(await verifyAuditChain(db.sql, t)).toEqual({ ok: true, checked: 1 });
  });

  it('keeps seq contiguous when appends arrive on several connections at once', async () => {
    // PGlite runs one transaction at a time, so here the advisory lock is never contended; on a
    // real Postgres it is what keeps two appends from reading the same previous row.
    const pool = postgres({ host: '127.0.0.1', port: db.sql.options.port[0], database: 'postgres', username: 'postgres', max: 4, onnotice: () => {} }) as unknown as Sql;
    try {
      const t = await createTenant(db.sql, 'race');
      await Promise.all(entries(t, 12).map((e) => withTenant(pool, t, (tx) => appendAudit(tx, e))));
      expect((await rowsOf(db.sql, t)).map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await verifyAuditChain(db.sql, t)).toMatchObject({ ok: true, checked: 12 });
    } finally {
      await pool.end();
    }
  });

  it('an entry rolls back with the transaction that recorded it', async () => {
    const t = await createTenant(db.sql, 'rollback');
    await appendAll(db.sql, entries(t, 2));
    await expect(
      withTenant(db.sql, t, async (tx) => {
        await appendAudit(tx, entries(t, 1)[0]);
        throw new Error('the audited change failed');
      }),
    ).rejects.toThrow('the audited change failed');
    await appendAll(db.sql, entries(t, 1));
    expect((await rowsOf(db.sql, t)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await verifyAuditChain(db.sql, t)).toEqual({ ok: true, checked: 3 });
  });

  it('an altered row (data, action or created_at) fails, naming that row', async () => {
    const t = await createTenant(db.sql, 'altered');
    await appendAll(db.sql, entries(t, 5));
    const rows = await rowsOf(db.sql, t);
    const victim = rows[2];
    await db.sql`update audit_log set data = ${db.sql.json({ fields: ['name'] })} where id = ${victim.id}`;
    expect(await verifyAuditChain(db.sql, t)).toEqual({ ok: false, tenantId: t, id: victim.id, seq: 3, reason: 'hash_mismatch' });
    expect(await verifyAuditChain(db.sql)).toMatchObject({ ok: false, id: victim.id, reason: 'hash_mismatch' });

    await db.sql`update audit_log set data = ${victim.data as never}::jsonb where id = ${victim.id}`;
    expect(await verifyAuditChain(db.sql, t)).toEqual({ ok: true, checked: 5 });
    await db.sql`update audit_log set created_at = created_at + interval '1 second' where id = ${rows[4].id}`;
    expect(await verifyAuditChain(db.sql, t)).toMatchObject({ ok: false, id: rows[4].id, seq: 5, reason: 'hash_mismatch' });
  });

  it('a row whose hash was recomputed after tampering breaks the next link', async () => {
    const t = await createTenant(db.sql, 'rehashed');
    await appendAll(db.sql, entries(t, 4));
    const rows = await rowsOf(db.sql, t);
    await db.sql`update audit_log set hash = ${'f'.repeat(64)} where id = ${rows[1].id}`;
    const verdict = await verifyAuditChain(db.sql, t);
    expect(verdict).toMatchObject({ ok: false, id: rows[1].id, reason: 'hash_mismatch' });
  });

  it('a deleted middle row fails at the gap, and renumbering to hide it breaks the link', async () => {
    const t = await createTenant(db.sql, 'deleted');
    await appendAll(db.sql, entries(t, 5));
    const rows = await rowsOf(db.sql, t);
    await db.sql`delete from audit_log where id = ${rows[2].id}`;
    expect(await verifyAuditChain(db.sql, t)).toEqual({ ok: false, tenantId: t, id: rows[3].id, seq: 4, reason: 'missing_row' });
    await db.sql`update audit_log set seq = seq - 1 where tenant_id = ${t} and seq > 3`;
    expect(await verifyAuditChain(db.sql, t)).toEqual({ ok: false, tenantId: t, id: rows[3].id, seq: 3, reason: 'prev_hash_mismatch' });
  });

  it('misy_app can append and read but not rewrite or delete', async () => {
    const t = await createTenant(db.sql, 'grants');
    await appendAll(db.sql, entries(t, 1));
    await expect(withTenant(db.sql, t, (tx) => tx`update audit_log set action = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(withTenant(db.sql, t, (tx) => tx`delete from audit_log`)).rejects.toThrow(/permission denied/);
  });
});

describe('hub/cli/audit-verify.ts', () => {
  // PGlite is single-process: build the database here, close it, then let the CLI open the same DATA_DIR.
  const dataDir = mkdtempSync(join(tmpdir(), 'misy-audit-cli-'));
  const pgdata = join(dataDir, 'pgdata');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function withDb<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    seedTemplate(pgdata);
    const db = await openEmbedded(pgdata);
    try {
      await migrate(db.sql);
      return await fn(db.sql);
    } finally {
      await db.close();
    }
  }

  function runCli() {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'hub/cli/audit-verify.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, MISY_SECRET: MASTER_SECRET, MISY_SEED_DEMO: 'false', LOG_LEVEL: 'silent' },
    });
    return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
  }

  it('exits 0 on an intact chain and 1 naming the tampered row', async () => {
    const { tenantId, rows } = await withDb(async (sql) => {
      const id = await createTenant(sql, 'cli');
      await appendAll(sql, entries(id, 4));
      return { tenantId: id, rows: await rowsOf(sql, id) };
    });
    const ok = runCli();
    expect(ok, ok.stderr).toMatchObject({ code: 0, stdout: 'audit chain OK (4 rows)' });

    await withDb((sql) => sql`update audit_log set target_id = 'someone-else' where id = ${rows[1].id}`);
    const broken = runCli();
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.stdout).toBe(`audit chain BROKEN: tenant ${tenantId} row id ${rows[1].id} seq 2: hash_mismatch`);
  });
});
