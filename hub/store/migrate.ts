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
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
  // One migrator at a time across replicas starting together.
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(4242001)`;
    const done = new Set((await tx<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
    const applied: string[] = [];
    for (const m of listMigrations(dir)) {
      if (done.has(m.name)) continue;
      await tx.unsafe(readFileSync(m.path, 'utf8'));
      await tx`insert into schema_migrations (name) values (${m.name})`;
      applied.push(m.name);
    }
    return applied;
  });
}

export async function pendingMigrations(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const exists = await sql`select to_regclass('schema_migrations') as t`;
  if (!exists[0].t) return listMigrations(dir).map((m) => m.name);
  const done = new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name));
  return listMigrations(dir).map((m) => m.name).filter((n) => !done.has(n));
}
