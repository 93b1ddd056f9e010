// Runs in every hub process. Polls for due jobs (and is woken at once when this process
// enqueues one), runs each through its handler, records success, retry or dead letter.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sql } from '../store/database';
import { claimJobs, completeJob, failJob, releaseExpiredLeases, renewLeases, DEFAULT_LEASE_MS, type JobRow } from './queue';

export type JobHandler = (job: JobRow) => Promise<void>;

export interface WorkerOptions {
  sql: Sql;
  handlers: Record<string, JobHandler>;
  log: Logger;
  pollMs?: number;
  concurrency?: number;
  retryBaseMs?: number;
  /** Lease of a claimed job (default 60 s); renewed every third of it while the handler runs. */
  leaseMs?: number;
  onOutcome?: (kind: string, outcome: 'done' | 'retry' | 'dead') => void;
}

export function startWorker(opts: WorkerOptions) {
  const id = `w-${randomUUID().slice(0, 8)}`;
  const pollMs = opts.pollMs ?? 250;
  const concurrency = opts.concurrency ?? 4;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  // Expired leases are swept at most every 30 s, and at least once per lease.
  const sweepEveryMs = Math.min(30_000, leaseMs);
  let running = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let again = false;
  let lastLeaseSweep = 0;
  const inFlight = new Set<Promise<void>>();
  const runningIds = new Set<number>();
  const heartbeat = setInterval(() => {
    renewLeases(opts.sql, id, [...runningIds], leaseMs).catch((err) => opts.log.warn({ err: (err as Error).message }, 'job lease renewal failed'));
  }, Math.max(10, Math.floor(leaseMs / 3)));

  async function runOne(job: JobRow): Promise<void> {
    const handler = opts.handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job);
      await completeJob(opts.sql, job.id, id);
      opts.onOutcome?.(job.kind, 'done');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outcome = await failJob(opts.sql, job, id, message, opts.retryBaseMs).catch(() => 'retry' as const);
      opts.log[outcome === 'dead' ? 'error' : 'warn']({ jobId: job.id, kind: job.kind, attempts: job.attempts, err: message }, `job ${outcome}`);
      opts.onOutcome?.(job.kind, outcome);
    }
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    try {
      if (Date.now() - lastLeaseSweep > sweepEveryMs) {
        lastLeaseSweep = Date.now();
        await releaseExpiredLeases(opts.sql);
      }
      const free = concurrency - running;
      if (free <= 0) return;
      const jobs = await claimJobs(opts.sql, id, free, leaseMs);
      for (const job of jobs) {
        running++;
        runningIds.add(job.id);
        const p = runOne(job).finally(() => {
          running--;
          runningIds.delete(job.id);
          inFlight.delete(p);
          if (!stopped) wake();
        });
        inFlight.add(p);
      }
    } catch (err) {
      if (!stopped) opts.log.warn({ err: (err as Error).message }, 'job poll failed');
    }
  }

  /** Coalesces wake-ups: at most one claim query in flight, re-run if woken meanwhile. */
  function wake(): void {
    if (stopped) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = tick().finally(() => {
      ticking = null;
      if (again) {
        again = false;
        wake();
      }
    });
  }

  timer = setInterval(wake, pollMs);
  wake();

  return {
    id,
    wake,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await ticking;
      await Promise.allSettled([...inFlight]);
      clearInterval(heartbeat);
    },
  };
}

export type Worker = ReturnType<typeof startWorker>;
