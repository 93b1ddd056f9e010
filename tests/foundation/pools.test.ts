// A burst of concurrent statements and transactions must neither crash the client nor
// interleave: porsager loses a transaction's connection when its BEGIN is pipelined behind a
// full queue, which once took the whole hub down under ~200 concurrent widget sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../support/db';
import { withSystem } from '../../hub/store/tenant';

let db: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db?.close(); });

describe('connection pools under a burst', () => {
  it('runs 400 statements and 400 transactions at once, each transaction isolated', async () => {
    await db.sql`create table burst (id int primary key, tx int not null)`;
    const statements = Array.from({ length: 400 }, (_, i) => db.sql`select ${i}::int as n`.then((r) => r[0].n));
    const transactions = Array.from({ length: 400 }, (_, i) => withSystem(db.sql, async (tx) => {
      await tx`insert into burst (id, tx) values (${i}, ${i})`;
      // A statement of another unit of work landing here would see a different count.
      const [{ mine }] = await tx<{ mine: number }[]>`select count(*)::int as mine from burst where tx = ${i}`;
      return mine;
    }));
    expect(await Promise.all(statements)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    expect(await Promise.all(transactions)).toEqual(Array(400).fill(1));
    const [{ n }] = await db.sql<{ n: number }[]>`select count(*)::int as n from burst`;
    expect(n).toBe(400);
  });

  it('keeps serving after a transaction fails mid-burst', async () => {
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => withSystem(db.sql, async (tx) => {
      if (i % 7 === 0) throw new Error('boom');
      return (await tx`select ${i}::int as n`)[0].n;
    })));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(29);
    expect((await db.sql`select 1 as ok`)[0].ok).toBe(1);
  });
});
