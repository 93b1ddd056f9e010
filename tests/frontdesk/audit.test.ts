// The audit log is hash-chained per tenant: altering or deleting one row makes
// `npm run audit:verify` fail and name that row.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startTestHub, createTenantViaApi } from '../support/hub';
import { createHash } from 'node:crypto';
import { canonicalJson, verifyAuditChain, type AuditHashInput } from '../../hub/security/audit';
import { openEmbedded } from '../../hub/store/database';
import { ROOT } from '../support/process';

function auditVerify(dataDir: string) {
  const r = spawnSync('npm', ['run', '--silent', 'audit:verify'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, MISY_SECRET: 'test-master-secret-0123456789-abcdefghijklmnop', LOG_LEVEL: 'silent' } });
  return { code: r.status, out: (r.stdout + r.stderr).trim() };
}

/** A hub with one tenant and a few audited actions; returns its data dir (hub closed) and the chain's rows. */
async function auditedDataDir() {
  const hub = await startTestHub();
  const t = await createTenantViaApi(hub);
  await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'one', config: {} } });
  await hub.api('/v1/api-keys', { token: t.accessToken, body: { name: 'k', scopes: ['conversations'] } });
  await hub.api('/v1/auth/login', { body: { email: t.email, password: 'wrong password' } });
  const log = await hub.api('/v1/audit', { token: t.accessToken });
  const rows = await hub.ctx.sql<{ id: number; seq: number }[]>`select id, seq from audit_log where tenant_id = ${t.tenantId} order by seq`;
  await hub.close();
  return { hub, t, log: log.body.data as { action: string }[], rows, dataDir: hub.dataDir };
}

async function tamper(dataDir: string, fn: (sql: Awaited<ReturnType<typeof openEmbedded>>['sql']) => Promise<unknown>) {
  const db = await openEmbedded(join(dataDir, 'pgdata'));
  await fn(db.sql);
  await db.close();
}

type StoredRow = { id: number; tenant_id: string; seq: number; actor_type: string; actor_id: string | null; action: string; target_type: string | null;
  target_id: string | null; data: unknown; ip: string | null; created_at: Date; prev_hash: string; hash: string };

/** What an attacker with database write access but without MISY_SECRET can compute: a plain SHA-256 chain. */
function plainHash(prevHash: string, r: StoredRow): string {
  const row: AuditHashInput = { tenantId: r.tenant_id, seq: r.seq, actorType: r.actor_type, actorId: r.actor_id, action: r.action, targetType: r.target_type,
    targetId: r.target_id, data: r.data, ip: r.ip, createdAt: r.created_at.toISOString() };
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

describe('hash-chained audit log', () => {
  it('records security actions without secrets, and verifies clean', async () => {
    const { hub, t, log, dataDir } = await auditedDataDir();
    const actions = log.map((e) => e.action);
    for (const a of ['tenant.created', 'api_key.created', 'auth.login', 'auth.login_failed', 'channel.created']) expect(actions).toContain(a);
    expect(JSON.stringify(log)).not.toContain(t.password);
    expect(auditVerify(dataDir)).toMatchObject({ code: 0, out: expect.stringMatching(/^audit chain OK \(\d+ rows\)$/) });
    await hub.stop();
  }, 60_000);

  it('an altered row fails verification and is named', async () => {
    const { hub, rows, dataDir } = await auditedDataDir();
    const victim = rows[2];
    await tamper(dataDir, (sql) => sql`update audit_log set data = '{"covered": "up"}'::jsonb where id = ${victim.id}`);
    const r = auditVerify(dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`row id ${victim.id} seq ${victim.seq}: hash_mismatch`);
    await hub.stop();
  }, 60_000);

  it('a deleted row fails verification at the gap', async () => {
    const { hub, rows, dataDir } = await auditedDataDir();
    await tamper(dataDir, (sql) => sql`delete from audit_log where id = ${rows[2].id}`);
    const r = auditVerify(dataDir);
    expect(r.code).toBe(1);
    expect(r.out, r.out).toContain(`row id ${rows[3].id} seq ${rows[3].seq}: missing_row`);
    // Renumbering to hide the gap breaks the hash links instead.
    await tamper(dataDir, (sql) => sql`update audit_log set seq = seq - 1 where tenant_id = (select tenant_id from audit_log where id = ${rows[3].id}) and seq > ${rows[2].seq}`);
    const db = await openEmbedded(join(dataDir, 'pgdata'));
    expect(await verifyAuditChain(db.sql)).toMatchObject({ ok: false, id: rows[3].id });
    await db.close();
    await hub.stop();
  }, 60_000);

  it('rewriting a row and recomputing every later hash without the master secret still fails verification', async () => {
    const { hub, rows, dataDir } = await auditedDataDir();
    const victim = rows[2];
    await tamper(dataDir, async (sql) => {
      await sql`update audit_log set action = 'auth.login', data = '{}'::jsonb where id = ${victim.id}`;
      const chain = await sql<StoredRow[]>`select * from audit_log where tenant_id = (select tenant_id from audit_log where id = ${victim.id}) order by seq`;
      // Re-link from the altered row to the head, as a forger would.
      let prev = chain[victim.seq - 2].hash;
      for (const r of chain.slice(victim.seq - 1)) {
        const hash = plainHash(prev, { ...r, prev_hash: prev });
        await sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`;
        prev = hash;
      }
    });
    const r = auditVerify(dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`row id ${victim.id} seq ${victim.seq}: hash_mismatch`);
    await hub.stop();
  }, 60_000);

  it('the app role cannot rewrite or delete audit rows', async () => {
    const hub = await startTestHub();
    const t = await createTenantViaApi(hub);
    const { withTenant } = await import('../../hub/store/tenant');
    await expect(withTenant(hub.ctx.sql, t.tenantId, (tx) => tx`update audit_log set action = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(withTenant(hub.ctx.sql, t.tenantId, (tx) => tx`delete from audit_log`)).rejects.toThrow(/permission denied/);
    await hub.stop();
  });
});
