// The one place that reads process.env. Everything else receives a typed Config.
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const url = z.string().url();
const optionalString = z.string().trim().min(1).optional();

/**
 * Per-plan limits, each a token bucket (hub/security/rate-limit.ts): the capacity is the burst
 * allowed, and it refills continuously, so the sustained rate is this many per minute.
 */
export const PlanLimits = z.object({
  tenantPerMinute: z.number().int().positive(),
  contactPerMinute: z.number().int().positive(),
});

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('./.misy'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  MISY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MISY_SECRET_PREVIOUS: z.string().optional(),
  MISY_PLATFORM_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url.optional(),
  MISY_CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  MISY_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  MISY_LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  // Tenant model endpoints may point at loopback/private/link-local addresses only when this is
  // 'true' (e.g. a shared Ollama on the LAN); otherwise they are refused (server-side request forgery).
  MISY_ALLOW_PRIVATE_LLM_URLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  MISY_GLOBAL_MIN_TENANTS: z.coerce.number().int().min(1).default(3),
  MISY_RATE_LIMITS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      try {
        return z.partialRecord(z.enum(['free', 'premium', 'enterprise']), PlanLimits).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"free":{"tenantPerMinute":600,"contactPerMinute":30}}' });
        return z.NEVER;
      }
    }),
  META_GRAPH_URL: url.default('https://graph.facebook.com'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MISY_SEED_DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  MISY_JOB_POLL_MS: z.coerce.number().int().min(10).default(250),
  // How many reverse proxies in front of the hub append to X-Forwarded-For: 'false' (default: the
  // header is ignored, anyone could forge it), 'true' (one proxy) or a hop count.
  MISY_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[0-9]{1,2})$/, "must be 'true', 'false' or a number of proxy hops")
    .default('false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v))),
});

export type Env = z.input<typeof EnvSchema>;

const DEFAULT_LIMITS = {
  free: { tenantPerMinute: 600, contactPerMinute: 30 },
  premium: { tenantPerMinute: 6_000, contactPerMinute: 120 },
  enterprise: { tenantPerMinute: 60_000, contactPerMinute: 600 },
} as const;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  redisUrl?: string;
  secret: string;
  /** Earlier master secrets, still accepted for verifying tokens while they expire. */
  previousSecrets: string[];
  platformKey?: string;
  /** allowPrivateUrls: tenant baseUrls may resolve to private addresses (the global baseUrl always may). */
  llm: { apiKey?: string; baseUrl?: string; chatModel: string; embeddingModel: string; timeoutMs: number; allowPrivateUrls: boolean };
  globalMinTenants: number;
  rateLimits: Record<'free' | 'premium' | 'enterprise', z.infer<typeof PlanLimits>>;
  metaGraphUrl: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  seedDemo: boolean;
  jobPollMs: number;
  /** Trusted reverse-proxy hops for X-Forwarded-For; 0 = use the socket's peer address only. */
  trustProxyHops: number;
}

export class ConfigError extends Error {}

/** Parses the environment once. A bad value throws a ConfigError with a one-line message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0] ?? '?')} ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const port = e.PORT;
  return {
    port,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    secret: e.MISY_SECRET ?? persistedSecret(dataDir, !!e.DATABASE_URL),
    previousSecrets: (e.MISY_SECRET_PREVIOUS ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    platformKey: e.MISY_PLATFORM_KEY,
    llm: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      chatModel: e.MISY_CHAT_MODEL,
      embeddingModel: e.MISY_EMBEDDING_MODEL,
      timeoutMs: e.MISY_LLM_TIMEOUT_MS,
      allowPrivateUrls: e.MISY_ALLOW_PRIVATE_LLM_URLS,
    },
    globalMinTenants: e.MISY_GLOBAL_MIN_TENANTS,
    rateLimits: { ...DEFAULT_LIMITS, ...(e.MISY_RATE_LIMITS ?? {}) },
    metaGraphUrl: e.META_GRAPH_URL.replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    seedDemo: e.MISY_SEED_DEMO,
    jobPollMs: e.MISY_JOB_POLL_MS,
    trustProxyHops: e.MISY_TRUST_PROXY,
  };
}

/**
 * Embedded mode keeps a generated master secret next to its data, so restarts can still decrypt
 * channel secrets and verify tokens. A server deployment must set MISY_SECRET explicitly: replicas share it.
 */
function persistedSecret(dataDir: string, external: boolean): string {
  if (external) throw new ConfigError('Invalid configuration: MISY_SECRET is required when DATABASE_URL is set');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
