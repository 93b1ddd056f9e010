// Row counts of every table, to prove that a rejected request changed nothing.
import type { Sql } from '../../hub/store/database';

export async function rowCounts(sql: Sql): Promise<Record<string, number>> {
  const tables = await sql<{ t: string }[]>`select tablename as t from pg_tables where schemaname = 'public' order by 1`;
  const out: Record<string, number> = {};
  for (const { t } of tables) out[t] = (await sql.unsafe(`select count(*)::int as n from "${t}"`))[0].n;
  return out;
}
