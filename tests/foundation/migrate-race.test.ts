// Two replicas starting together on a fresh server both run migrations: exactly one applies each
// file, neither fails. Runs on this machine's Postgres 15, where the race is real (PGlite
// serializes every statement, so it cannot show it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localPostgres, type LocalPostgres } from '../support/local-postgres';
import { migrate } from '../../hub/store/migrate';

const dir = mkdtempSync(join(tmpdir(), 'misy-migrations-'));
writeFileSync(join(dir, '001_a.sql'), 'create table race_a (id int primary key);');
writeFileSync(join(dir, '002_b.sql'), 'create table race_b (id int primary key); insert into race_b values (1);');

let pg: LocalPostgres;
beforeAll(async () => { pg = await localPostgres('misy_migrate'); });
afterAll(async () => { await pg?.close(); });

describe('migrations under concurrent starts', () => {
  it('applies each file once when two pools migrate a fresh schema at the same moment', async () => {
    for (let round = 0; round < 8; round++) {
      const schema = `race_${round}`;
      await pg.sql.unsafe(`create schema ${schema}`);
      const [a, b] = [pg.connect(2, { search_path: schema }), pg.connect(2, { search_path: schema })];
      const applied = await Promise.all([migrate(a, dir), migrate(b, dir)]);
      expect(applied.flat().sort()).toEqual(['001_a.sql', '002_b.sql']);
      const [{ n }] = await a.unsafe(`select count(*)::int as n from ${schema}.race_b`);
      expect(n).toBe(1);
      await Promise.all([a.end(), b.end()]);
    }
  });
});
