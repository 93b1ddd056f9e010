// A real embedded Postgres (PGlite + pgvector) per test file, migrated, in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openEmbedded, type Database, type Sql } from '../../hub/store/database';
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

/**
 * Another client of the same embedded server with its own connections, as a second hub process
 * would have (the loopback server accepts several; transactions never interleave).
 */
export function connectAgain(db: Database, max = 1): Sql {
  const { host, port } = (db.sql as unknown as { options: { host: string[]; port: number[] } }).options;
  return postgres({ host: host[0], port: port[0], database: 'postgres', username: 'postgres', max, onnotice: () => {},
    types: { bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) } as postgres.PostgresType } }) as unknown as Sql;
}
