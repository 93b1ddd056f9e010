// This machine's own Postgres 15 (127.0.0.1:5432, trust auth): a fresh database per call, loaded
// with the core schema (and what builds on it) only — that server has no pgvector, so the agent tables cannot exist there.
// Used where a behaviour may differ between PGlite and a real server (timestamp precision, locking).
import postgres from 'postgres';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../../hub/store/migrate';
import type { Sql } from '../../hub/store/database';

const SERVER = { host: '127.0.0.1', port: 5432, username: 'postgres', onnotice: () => {} };
// Same bigint handling as the hub's client (hub/store/database.ts).
const types = { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } as postgres.PostgresType };

export interface LocalPostgres {
  /** Opens another pool on the same database (e.g. a second worker's). */
  connect(max?: number, connection?: Record<string, string>): Sql;
  sql: Sql;
  close(): Promise<void>;
}

export async function localPostgres(prefix = 'misy_test'): Promise<LocalPostgres> {
  const admin = postgres({ ...SERVER, database: 'postgres', max: 1 });
  const name = `${prefix}_${Date.now()}_${process.pid}`;
  await admin.unsafe(`create database ${name}`);
  const pools: Sql[] = [];
  const connect = (max = 4, connection: Record<string, string> = {}) => {
    const pool = postgres({ ...SERVER, database: name, max, types, connection }) as unknown as Sql;
    pools.push(pool);
    return pool;
  };
  const sql = connect();
  // The migrations that need no pgvector.
  for (const file of ['001_core.sql', '004_unread_counter.sql']) await sql.unsafe(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
  return {
    sql,
    connect,
    async close() {
      await Promise.all(pools.map((p) => p.end()));
      await admin.unsafe(`drop database if exists ${name}`);
      await admin.end();
    },
  };
}
