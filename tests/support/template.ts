// initdb of an embedded Postgres costs seconds; tests copy a migrated template data dir instead.
// The template is keyed by the migrations' content, so a schema change builds a fresh one.
import { cpSync, existsSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations } from '../../hub/store/migrate';

export function templateDir(): string {
  const h = createHash('sha256');
  for (const m of listMigrations()) h.update(m.name).update(readFileSync(m.path));
  return join(tmpdir(), `misy-template-${h.digest('hex').slice(0, 16)}`);
}

/** Copies the template (built by tests/global-setup.ts) to `target`, if it exists. */
export function seedTemplate(target: string): void {
  const dir = templateDir();
  if (!existsSync(join(dir, 'PG_VERSION')) || existsSync(join(target, 'PG_VERSION'))) return;
  mkdirSync(target, { recursive: true });
  cpSync(dir, target, { recursive: true });
}

export async function buildTemplate(): Promise<void> {
  const dir = templateDir();
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const { openEmbedded } = await import('../../hub/store/database');
  const { migrate } = await import('../../hub/store/migrate');
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const db = await openEmbedded(tmp);
  await migrate(db.sql);
  await db.close();
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run built it first
  }
}
