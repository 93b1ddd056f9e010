// Planner statistics for the embedded database. PGlite runs no autovacuum, so nothing would ever
// ANALYZE its tables: plans chosen for empty tables stay in force as they grow, and a lookup of
// one conversation's last message ended up scanning every message of the tenant. The embedded
// hub analyzes on a timer and after every few thousand writes. A Postgres server does this itself.
import type { Sql } from './database';

const WRITES_BETWEEN_ANALYZE = 2_000;
const ANALYZE_EVERY_MS = 5 * 60_000;

interface Keeper { writes: number; running: boolean; run(): void }
const keepers = new WeakMap<Sql, Keeper>();

export function keepStatistics(sql: Sql): () => void {
  const keeper: Keeper = {
    writes: 0,
    running: false,
    run() {
      if (keeper.running) return;
      keeper.running = true;
      keeper.writes = 0;
      sql`analyze`.catch(() => {}).finally(() => { keeper.running = false; });
    },
  };
  keepers.set(sql, keeper);
  const timer = setInterval(() => keeper.run(), ANALYZE_EVERY_MS);
  timer.unref();
  return () => { clearInterval(timer); keepers.delete(sql); };
}

/** Counts rows written; a no-op for databases that keep their own statistics. */
export function noteWrites(sql: Sql, rows: number): void {
  const keeper = keepers.get(sql);
  if (!keeper) return;
  keeper.writes += rows;
  if (keeper.writes >= WRITES_BETWEEN_ANALYZE) keeper.run();
}
