// Append-only, hash-chained audit log per tenant. Each row stores the previous row's hash, so
// altering a row, or removing one from the middle, breaks the chain at that point.
//
// The row hash is an HMAC-SHA256 under a key derived from MISY_SECRET (HKDF, its own label), not a
// plain SHA-256: with a plain hash, anyone who can write to the database could alter a row and
// recompute every later hash. Only the holder of the master secret can extend or rewrite the chain.
// The key is configured once per process (configureAuditKeys, called by startHub and the CLI)
// because appendAudit is called deep inside transactions all over the hub.
//
// What goes in: ids only. `data` must never carry personal data (names, emails, phone numbers,
// message text) or secrets (tokens, passwords, keys): audit rows outlive a contact's erasure and
// are readable by every operator of the tenant. Callers pass ids, enum values and field names.
//
// Known limit — tail deletion: deleting the newest rows of a tenant leaves a shorter chain that is
// still valid. Nothing inside the same database can prove otherwise (identity gaps are not
// evidence: every rolled-back transaction that appended an entry burns an id). Closing that gap
// needs the head hash anchored outside the database, e.g. exported periodically.
import { createHmac, hkdfSync } from 'node:crypto';
import type { Sql, Tx } from '../store/database';

export type AuditActorType = 'operator' | 'api_key' | 'platform' | 'system' | 'contact';

export interface AuditEntry {
  tenantId: string;
  actorType: AuditActorType;
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Ids, enums and field names only — see the header comment. */
  data?: Record<string, unknown>;
  ip?: string | null;
}

/** Exactly the fields the hash covers, in their stored form. */
export interface AuditHashInput {
  tenantId: string;
  seq: number;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: unknown;
  ip: string | null;
  /** ISO-8601 with millisecond precision, as `Date#toISOString()` prints it. */
  createdAt: string;
}

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so jsonb's own key order never matters. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** A dedicated key for the audit chain, so no other use of the master secret can produce a row hash. */
export function deriveAuditKey(masterSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, 'misy-audit-chain', 'audit row hmac v1', 32));
}

let auditKeys: Buffer[] = [];

/**
 * Sets the keys for this process: the current master secret signs new rows; earlier secrets
 * (MISY_SECRET_PREVIOUS) still verify rows written before a rotation.
 */
export function configureAuditKeys(masterSecret: string, previousSecrets: string[] = []): void {
  auditKeys = [masterSecret, ...previousSecrets].map(deriveAuditKey);
}

function keys(): Buffer[] {
  if (!auditKeys.length) throw new Error('audit chain key not configured: call configureAuditKeys(config.secret, config.previousSecrets) at start');
  return auditKeys;
}

export function auditHash(key: Buffer, prevHash: string, row: AuditHashInput): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

/**
 * Appends one entry inside the caller's transaction (usually withTenant, as misy_app, which may only
 * SELECT and INSERT here), so the entry commits or rolls back with the change it records.
 * `now` exists for tests; production uses the wall clock.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry, now: () => Date = () => new Date()): Promise<void> {
  // One writer per tenant chain at a time; the lock is released when the caller's transaction ends.
  await tx`select pg_advisory_xact_lock(hashtextextended(${'misy:audit:' + entry.tenantId}, 0))`;
  const [prev] = await tx<{ seq: number; hash: string }[]>`
    select seq, hash from audit_log where tenant_id = ${entry.tenantId} order by seq desc limit 1`;
  const seq = (prev?.seq ?? 0) + 1;
  const prevHash = prev?.hash ?? AUDIT_GENESIS_HASH;
  // Round-trip data through JSON first: what jsonb gives back (no undefined keys, dates as strings)
  // must be exactly what was hashed.
  const data: unknown = JSON.parse(JSON.stringify(entry.data ?? {}));
  // A JS Date has millisecond precision, which timestamptz (microseconds) stores exactly.
  const createdAt = new Date(now().getTime());
  const row: AuditHashInput = {
    tenantId: entry.tenantId,
    seq,
    actorType: entry.actorType,
    actorId: entry.actorId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data,
    ip: entry.ip ?? null,
    createdAt: createdAt.toISOString(),
  };
  const hash = auditHash(keys()[0], prevHash, row);
  await tx`
    insert into audit_log (tenant_id, seq, actor_type, actor_id, action, target_type, target_id, data, ip, created_at, prev_hash, hash)
    values (${row.tenantId}, ${seq}, ${row.actorType}, ${row.actorId}, ${row.action}, ${row.targetType}, ${row.targetId},
            ${tx.json(data as never)}, ${row.ip}, ${createdAt}, ${prevHash}, ${hash})`;
}

export type AuditBreakReason = 'hash_mismatch' | 'missing_row' | 'prev_hash_mismatch';

/**
 * `id` and `seq` name the stored row where the break was found. For `missing_row` that is the first
 * row after the gap (a deleted row has no id left to name); its predecessor in seq order is missing.
 */
export type AuditChainVerdict =
  | { ok: true; checked: number }
  | { ok: false; tenantId: string; id: number; seq: number; reason: AuditBreakReason };

interface AuditRow {
  id: number;
  tenant_id: string;
  seq: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: unknown;
  ip: string | null;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

const PAGE = 1000;

/**
 * Walks each tenant's chain in seq order and reports the first broken link. Needs a connection that
 * sees every tenant (the owner role, outside withTenant).
 */
export async function verifyAuditChain(sql: Sql, tenantId?: string): Promise<AuditChainVerdict> {
  const tenants = tenantId
    ? [tenantId]
    : (await sql<{ tenant_id: string }[]>`select distinct tenant_id from audit_log order by tenant_id`).map((r) => r.tenant_id);
  let checked = 0;
  for (const t of tenants) {
    let prevHash = AUDIT_GENESIS_HASH;
    let expectedSeq = 1;
    for (;;) {
      const rows = await sql<AuditRow[]>`
        select * from audit_log where tenant_id = ${t} and seq >= ${expectedSeq} order by seq limit ${PAGE}`;
      for (const r of rows) {
        const broken = checkLink(r, expectedSeq, prevHash);
        if (broken) return { ok: false, tenantId: t, ...broken };
        prevHash = r.hash;
        expectedSeq++;
        checked++;
      }
      if (rows.length < PAGE) break;
    }
  }
  return { ok: true, checked };
}

function checkLink(r: AuditRow, expectedSeq: number, prevHash: string): { id: number; seq: number; reason: AuditBreakReason } | null {
  if (r.seq !== expectedSeq) return { id: r.id, seq: r.seq, reason: 'missing_row' };
  if (r.prev_hash !== prevHash) return { id: r.id, seq: r.seq, reason: 'prev_hash_mismatch' };
  const row: AuditHashInput = {
    tenantId: r.tenant_id,
    seq: r.seq,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    data: r.data,
    ip: r.ip,
    createdAt: r.created_at.toISOString(),
  };
  return keys().some((k) => auditHash(k, r.prev_hash, row) === r.hash) ? null : { id: r.id, seq: r.seq, reason: 'hash_mismatch' };
}
