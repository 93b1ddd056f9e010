// A real embedded Postgres (PGlite + pgvector) per test file, migrated, in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbedded, type Database } from '../../hub/store/database';
import { migrate } from '../../hub/store/migrate';
import { seedTemplate } from './template';

export async function createTestDb(): Promise<Database & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'misy-test-'));
  seedTemplate(join(dir, 'pgdata'));
  const db = await openEmbedded(join(dir, 'pgdata'));
  await migrate(db.sql);
  return {
    ...db,
    dir,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
