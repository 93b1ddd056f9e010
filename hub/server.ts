// Assembles a hub: database (+migrations), Redis, services, HTTP, realtime and the job worker.
// Used by `npm start` (hub/main.ts), by tests (port 0, temp DATA_DIR) and by benchmarks.
import { serve } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import type { Config } from './config';
import type { HubContext } from './context';
import { createLogger } from './log';
import { openDatabase } from './store/database';
import { migrate } from './store/migrate';
import { createSecretBox } from './security/secret-box';
import { configureAuditKeys } from './security/audit';
import { createTokenService } from './auth/tokens';
import { createRateLimiter } from './security/rate-limit';
import { createDbReplayGuard, createRedisReplayGuard } from './security/replay-guard';
import { createLocalBus } from './bus';
import { createMetrics } from './metrics';
import { createApp } from './http/app';
import { attachRealtime } from './realtime/server';
import { startWorker, type Worker } from './jobs/worker';
import { jobHandlers, type ExtraHandlers } from './jobs/handlers';
import { scheduleRetention as scheduleRetentionSweep } from './domain/privacy';
import { ensureDemoTenant, type DemoCredentials, type SeedKnowledge } from './seed/demo';
import { registerStaticRoutes, ensureAssets } from './http/static';
import { agentJobHandlers, seedDemoKnowledge } from './agents';

export interface HubOptions {
  /** Seed the demo tenant (default: config.seedDemo and embedded). */
  seed?: boolean;
  /** Run a job worker in this process (default true). */
  worker?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
  extraJobHandlers?: ExtraHandlers;
  seedKnowledge?: SeedKnowledge;
  /** Where logs go (default stdout); tests capture them to prove nothing sensitive is written. */
  logDestination?: DestinationStream;
}

export interface Hub {
  url: string;
  port: number;
  ctx: HubContext;
  app: ReturnType<typeof createApp>;
  demo?: DemoCredentials;
  worker?: Worker;
  realtime: import('./realtime/server').Realtime;
  close(): Promise<void>;
}

export async function startHub(config: Config, opts: HubOptions = {}): Promise<Hub> {
  const log = createLogger(config.logLevel, opts.logDestination);
  configureAuditKeys(config.secret, config.previousSecrets);
  const db = await openDatabase(config);
  const applied = await migrate(db.sql);
  if (applied.length) log.info({ applied }, 'migrations applied');

  let redis: RedisClientType | undefined;
  if (config.redisUrl) {
    redis = createClient({ url: config.redisUrl }) as RedisClientType;
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    await redis.connect();
  }

  let worker: Worker | undefined;
  const metrics = createMetrics(db.sql);
  const ctx: HubContext = {
    config,
    db,
    sql: db.sql,
    log,
    box: createSecretBox(config.secret, config.previousSecrets),
    tokens: createTokenService(config.secret, config.previousSecrets, opts.now),
    limiter: createRateLimiter({ redis, limits: config.rateLimits }),
    replay: redis ? createRedisReplayGuard(redis) : createDbReplayGuard(db.sql),
    bus: createLocalBus(),
    metrics,
    wakeJobs: () => worker?.wake(),
    fetch: opts.fetch ?? fetch,
    now: opts.now ?? Date.now,
  };

  const seed = opts.seed ?? (config.seedDemo && !config.databaseUrl);
  const demo = seed ? await ensureDemoTenant(ctx, opts.seedKnowledge ?? seedDemoKnowledge) : undefined;

  await ensureAssets();
  const app = createApp(ctx);
  registerStaticRoutes(app, { publicUrl: config.publicUrl, demoWidgetKey: async () => demo?.widgetKey });

  const http = await new Promise<HttpServer>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s as HttpServer)) as HttpServer;
  });
  const realtime = await attachRealtime(http, ctx, redis);

  if (opts.worker !== false) {
    worker = startWorker({
      sql: db.sql,
      log,
      pollMs: config.jobPollMs,
      handlers: jobHandlers(ctx, { ...agentJobHandlers, ...opts.extraJobHandlers }),
      onOutcome: (kind, outcome) => metrics.jobOutcomes.inc({ kind, outcome }),
    });
  }
  // Hourly retention sweep: the idempotency key makes it once per hour across all replicas.
  const retention = setInterval(() => void scheduleRetention(ctx), 60 * 60_000);
  void scheduleRetention(ctx);

  const port = (http.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ctx,
    app,
    demo,
    worker,
    realtime,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(retention);
      await worker?.stop();
      await realtime.close(); // also closes the HTTP server
      await redis?.quit().catch(() => {});
      await db.close();
    },
  };
}

async function scheduleRetention(ctx: HubContext): Promise<void> {
  await scheduleRetentionSweep(ctx.sql, new Date(ctx.now())).catch((err) => ctx.log.warn({ err: String(err) }, 'retention sweep not scheduled'));
}
