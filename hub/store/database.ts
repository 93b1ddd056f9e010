// Opens the one Postgres the hub talks to, always through the porsager client:
// an external server when DATABASE_URL is set, otherwise an embedded PGlite (with pgvector)
// served on a private loopback port, so there is a single SQL code path.
import postgres from 'postgres';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { servePGlite } from './pglite-server';
import { openPools } from './pools';

export type Sql = postgres.Sql<Record<string, never>>;
export type Tx = postgres.TransactionSql<Record<string, never>>;

export interface Database {
  sql: Sql;
  embedded: boolean;
  close(): Promise<void>;
}

const clientOptions = {
  onnotice: () => {},
  // bigint ids (jobs, audit) and counts come back as JS numbers: they stay far below 2^53.
  types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } as postgres.PostgresType },
  transform: { undefined: null },
  connection: { application_name: 'misy' },
};

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>): Promise<Database> {
  if (config.databaseUrl) {
    const sql = openPools(config.databaseUrl, clientOptions, {
      transactions: config.databasePoolSize,
      statements: Math.max(2, Math.ceil(config.databasePoolSize / 4)),
    });
    await assertPgvector(sql);
    return { sql, embedded: false, close: () => sql.end({ timeout: 5 }) };
  }
  return openEmbedded(join(config.dataDir, 'pgdata'));
}

/** Starts PGlite under `dir` and connects the porsager client to it over loopback. */
export async function openEmbedded(dir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  mkdirSync(dir, { recursive: true });
  const releaseLock = lockDataDir(dir);
  const db = await PGlite.create({ dataDir: dir, extensions: { vector } });
  const server = await servePGlite(db);
  // One connection per pool is enough: PGlite runs one statement at a time anyway.
  const sql = openPools(undefined, { ...clientOptions, host: '127.0.0.1', port: server.port, database: 'postgres', username: 'postgres' }, { statements: 1, transactions: 1 });
  return {
    sql,
    embedded: true,
    async close() {
      await sql.end({ timeout: 5 });
      await server.close();
      await db.close();
      releaseLock();
    },
  };
}

export class DataDirLockedError extends Error {}

/**
 * PGlite is a single-process database: two processes on one data directory would corrupt it.
 * A lock file with the owner's pid refuses a second opener while the first is alive.
 */
function lockDataDir(dir: string): () => void {
  const file = `${dir}.lock`;
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid && alive(pid)) {
      throw new DataDirLockedError(`The embedded database in ${dir} is in use by process ${pid} (a running hub). Stop it first, or use DATABASE_URL for a shared server.`);
    }
  } catch (err) {
    if (err instanceof DataDirLockedError) throw err;
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function assertPgvector(sql: Sql): Promise<void> {
  const rows = await sql`select 1 from pg_available_extensions where name = 'vector'`;
  if (rows.length === 0) {
    await sql.end();
    throw new Error('The Postgres server at DATABASE_URL has no pgvector extension; install pgvector (e.g. the pgvector/pgvector image).');
  }
}
