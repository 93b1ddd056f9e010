// Everything a request handler, socket handler or job needs, built once at start and passed down.
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database, Sql } from './store/database';
import type { SecretBox } from './security/secret-box';
import type { TokenService } from './auth/tokens';
import type { RateLimiter } from './security/rate-limit';
import type { ReplayGuard } from './security/replay-guard';
import type { Bus } from './bus';
import type { Metrics } from './metrics';

export interface HubContext {
  config: Config;
  db: Database;
  sql: Sql;
  log: Logger;
  box: SecretBox;
  tokens: TokenService;
  limiter: RateLimiter;
  /** Remembers accepted ingress signatures so a signed request cannot be replayed. */
  replay: ReplayGuard;
  bus: Bus;
  metrics: Metrics;
  /** Wakes this process's job worker right after a commit that enqueued work. */
  wakeJobs: () => void;
  fetch: typeof fetch;
  now: () => number;
}
