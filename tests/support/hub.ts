// Starts a real hub (embedded PGlite, real HTTP + socket.io) on a free port in a temp DATA_DIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../hub/config';
import { startHub, type Hub, type HubOptions } from '../../hub/server';
import { seedTemplate } from './template';

export const PLATFORM_KEY = 'test-platform-key-0123456789abcdef';

export interface TestHub extends Hub {
  dataDir: string;
  api(path: string, init?: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startTestHub(env: Record<string, string> = {}, opts: HubOptions & { dataDir?: string } = {}): Promise<TestHub> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'misy-hub-'));
  if (!env.DATABASE_URL) seedTemplate(join(dataDir, 'pgdata'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MISY_PLATFORM_KEY: PLATFORM_KEY,
    MISY_SECRET: 'test-master-secret-0123456789-abcdefghijklmnop',
    MISY_SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    MISY_JOB_POLL_MS: '50',
    ...env,
  });
  const hub = await startHub(config, { seed: env.MISY_SEED_DEMO === 'true', ...opts });
  const url = hub.url;
  return Object.assign(hub, {
    dataDir,
    async api(path: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
      const res = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.body !== undefined && typeof init.body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body, headers: res.headers };
    },
    async stop() {
      await hub.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

let counter = 0;
/** Creates a tenant through the public API and logs its owner in. */
export async function createTenantViaApi(hub: TestHub, slug = `t${Date.now().toString(36)}${counter++}`) {
  const password = 'correct horse battery staple';
  const email = `owner@${slug}.test`;
  const created = await hub.api('/v1/tenants', { token: PLATFORM_KEY, body: { name: `Tenant ${slug}`, slug, operator: { email, password, name: 'Owner' } } });
  if (created.status !== 201) throw new Error(`tenant create failed: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await hub.api('/v1/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    slug,
    email,
    password,
    tenantId: created.body.tenant.id as string,
    apiKey: created.body.apiKey as string,
    accessToken: login.body.accessToken as string,
    refreshToken: login.body.refreshToken as string,
    operatorId: login.body.operator.id as string,
  };
}
