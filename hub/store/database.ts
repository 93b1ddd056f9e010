// Opens the one Postgres the hub talks to, always through the porsager client:
// an external server when DATABASE_URL is set, otherwise an embedded PGlite (with pgvector)
// served on a private loopback port, so there is a single SQL code path.
import postgres from 'postgres';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config';
import { Worker } from 'node:worker_threads';
import type { ThreadReply } from './pglite-thread';
import { openPools } from './pools';
import { keepStatistics } from './statistics';

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

/** Starts PGlite under `dir` on its own thread and connects the porsager client to it over loopback. */
export async function openEmbedded(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const releaseLock = lockDataDir(dir);
  let thread: Awaited<ReturnType<typeof startPGliteThread>>;
  try {
    thread = await startPGliteThread(dir);
  } catch (err) {
    releaseLock();
    throw err;
  }
  // One connection per pool is enough: PGlite runs one statement at a time anyway.
  const sql = openPools(undefined, { ...clientOptions, host: '127.0.0.1', port: thread.port, database: 'postgres', username: 'postgres' }, { statements: 1, transactions: 1 });
  const stopStatistics = keepStatistics(sql);
  return {
    sql,
    embedded: true,
    async close() {
      stopStatistics();
      await sql.end({ timeout: 5 });
      await thread.close();
      releaseLock();
    },
  };
}

async function startPGliteThread(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  const worker = new Worker(new URL('./pglite-thread.mjs', import.meta.url), { workerData: { dir } });
  const reply = <T extends ThreadReply>(pick: (r: ThreadReply) => r is T) => new Promise<T>((resolve, reject) => {
    const onMessage = (r: ThreadReply) => {
      if ('error' in r) { cleanup(); reject(new Error(`embedded Postgres: ${r.error}`)); }
      else if (pick(r)) { cleanup(); resolve(r); }
    };
    const onExit = (code: number) => { cleanup(); reject(new Error(`embedded Postgres thread exited (${code})`)); };
    const cleanup = () => { worker.off('message', onMessage); worker.off('exit', onExit); };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
  });
  const ready = await reply((r): r is { ready: true; port: number } => 'ready' in r);
  return {
    port: ready.port,
    async close() {
      const closed = reply((r): r is { closed: true } => 'closed' in r);
      worker.postMessage({ close: true });
      await closed;
      await worker.terminate();
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
  const fail = async (message: string) => { await sql.end(); throw new Error(message); };
  const rows = await sql`select 1 from pg_available_extensions where name = 'vector'`;
  if (rows.length === 0) await fail('The Postgres server at DATABASE_URL has no pgvector extension; install pgvector (e.g. the pgvector/pgvector image).');
  if ((await sql`select 1 from pg_extension where extname = 'vector'`).length) return;
  try {
    await sql`create extension if not exists vector`;
  } catch (err) {
    await fail(`pgvector is installed on the server at DATABASE_URL but this user cannot enable it (${(err as Error).message}); run "CREATE EXTENSION vector;" once as a superuser in that database.`);
  }
}
