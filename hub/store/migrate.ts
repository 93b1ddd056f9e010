// Applies migrations/NNN_name.sql in order, each once, in its own transaction, recorded in schema_migrations.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Sql } from './database';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export function listMigrations(dir = MIGRATIONS_DIR): { name: string; path: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, path: join(dir, name) }));
}

export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const applied: string[] = [];
  for (const m of listMigrations(dir)) {
    const ran = await sql.begin(async (tx) => {
      // One migrator at a time across replicas starting together. The lock comes before anything
      // else, the bookkeeping table included: two replicas creating it at once collide in pg_type.
      await tx`select pg_advisory_xact_lock(4242001)`;
      await tx`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
      if ((await tx`select 1 from schema_migrations where name = ${m.name}`).length) return false;
      await tx.unsafe(readFileSync(m.path, 'utf8'));
      await tx`insert into schema_migrations (name) values (${m.name})`;
      return true;
    });
    if (ran) applied.push(m.name);
  }
  return applied;
}

export async function pendingMigrations(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const exists = await sql`select to_regclass('schema_migrations') as t`;
  if (!exists[0].t) return listMigrations(dir).map((m) => m.name);
  const done = new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
  return listMigrations(dir).map((m) => m.name).filter((n) => !done.has(n));
}
