// First start of the embedded hub: a `demo` tenant with a web channel, an AI agent, knowledge,
// an owner operator and an API key. Credentials are kept in DATA_DIR so every start can print them.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubContext } from '../context';
import { createTenant } from '../domain/tenants';
import { createChannel } from '../domain/channels';
import { withTenant } from '../store/tenant';
import { hashPassword } from '../auth/passwords';
import { createApiKey, API_SCOPES } from '../auth/api-keys';

export interface DemoCredentials { tenantId: string; email: string; password: string; apiKey: string; widgetKey: string; channelId: string }

export type SeedKnowledge = (ctx: HubContext, tenantId: string) => Promise<void>;

/**
 * Idempotent and crash-safe: a start that died anywhere before `demo-credentials.json` was written
 * leaves a demo tenant nobody has credentials for. The next start repairs it (fresh operator
 * password and API key; the channel, agent and knowledge are created only where missing) instead
 * of refusing to start.
 */
export async function ensureDemoTenant(ctx: HubContext, seedKnowledge?: SeedKnowledge): Promise<DemoCredentials> {
  const file = join(ctx.config.dataDir, 'demo-credentials.json');
  const [existing] = await ctx.sql<{ id: string }[]>`select id from tenants where slug = 'demo'`;
  const saved = existing ? readCredentials(file) : null;
  if (saved && saved.tenantId === existing.id) {
    await allowOrigin(ctx, saved);
    return saved;
  }
  const password = randomBytes(9).toString('base64url');
  const { tenantId, apiKey } = existing
    ? await resetDemoLogin(ctx, existing.id, password)
    : await createTenant(ctx.sql, { name: 'Misy Demo Shop', slug: 'demo', plan: 'premium', operator: { email: DEMO_EMAIL, password, name: 'Demo Owner' } })
      .then((r) => ({ tenantId: r.tenant.id, apiKey: r.apiKey }));
  const channel = await ensureChannelAndAgent(ctx, tenantId);
  // Ingesting the same document twice stores it once, so a half-finished seed is simply redone.
  if (seedKnowledge) await seedKnowledge(ctx, tenantId);
  const creds: DemoCredentials = { tenantId, email: DEMO_EMAIL, password, apiKey, widgetKey: channel.widgetKey, channelId: channel.id };
  // Written whole or not at all (a crash mid-write must not leave half a JSON file).
  writeFileSync(`${file}.tmp`, JSON.stringify(creds, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return creds;
}

const DEMO_EMAIL = 'demo@misy.local';

function readCredentials(file: string): DemoCredentials | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  } catch {
    return null;
  }
}

/** A demo tenant whose credentials were lost: a new password for its owner and a new API key. */
async function resetDemoLogin(ctx: HubContext, tenantId: string, password: string) {
  const hash = await hashPassword(password);
  return withTenant(ctx.sql, tenantId, async (tx) => {
    const [op] = await tx<{ id: string }[]>`update operators set password_hash = ${hash}, disabled_at = null, role = 'owner'
                                          where email = ${DEMO_EMAIL} returning id`;
    if (!op) await tx`insert into operators (tenant_id, email, name, role, password_hash) values (${tenantId}, ${DEMO_EMAIL}, 'Demo Owner', 'owner', ${hash})`;
    const { key } = await createApiKey(tx, tenantId, 'demo', API_SCOPES);
    return { tenantId, apiKey: key };
  });
}

async function ensureChannelAndAgent(ctx: HubContext, tenantId: string): Promise<{ id: string; widgetKey: string }> {
  return withTenant(ctx.sql, tenantId, async (tx) => {
    const [agent] = await tx`select 1 from agents limit 1`;
    if (!agent) {
      await tx`insert into agents (tenant_id, name, description, instructions)
               values (${tenantId}, 'Shop assistant', 'Answers questions about orders, shipping, returns, payments and products of the Misy Demo Shop.',
                       'You are the friendly assistant of the Misy Demo Shop. Answer only from the knowledge base; hand off to a human when unsure.')`;
    }
    const [web] = await tx<{ id: string; public_key: string }[]>`select id, public_key from channels where type = 'web' order by created_at limit 1`;
    if (web) return { id: web.id, widgetKey: web.public_key };
    const { row, generated } = await createChannel(tx, ctx.box, tenantId, {
      type: 'web',
      name: 'Website',
      config: { allowedOrigins: demoOrigins(ctx.config.publicUrl), title: 'Misy Demo Shop', welcome: 'Hi! Ask me about shipping, returns or payments.', theme: { color: '#4f46e5' } },
    });
    return { id: row.id, widgetKey: generated.widgetKey };
  });
}

/** The demo page is served by the hub itself, so the hub's own origins must be allowed. */
export function demoOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  const origins = [url.origin];
  // On the default localhost URL, 127.0.0.1 is the same machine: both work in a browser.
  if (url.hostname === 'localhost') origins.push(`${url.protocol}//127.0.0.1${url.port ? `:${url.port}` : ''}`);
  return origins;
}

async function allowOrigin(ctx: HubContext, creds: DemoCredentials): Promise<void> {
  for (const origin of demoOrigins(ctx.config.publicUrl)) {
    await withTenant(ctx.sql, creds.tenantId, (tx) => tx`
      update channels set config = jsonb_set(config, '{allowedOrigins}', (config->'allowedOrigins') || ${tx.json([origin] as never)})
      where id = ${creds.channelId} and not (config->'allowedOrigins') ? ${origin}`);
  }
}
