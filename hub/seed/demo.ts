// First start of the embedded hub: a `demo` tenant with a web channel, an AI agent, knowledge,
// an owner operator and an API key. Credentials are kept in DATA_DIR so every start can print them.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubContext } from '../context';
import { createTenant } from '../domain/tenants';
import { createChannel } from '../domain/channels';
import { withTenant } from '../store/tenant';

export interface DemoCredentials { tenantId: string; email: string; password: string; apiKey: string; widgetKey: string; channelId: string }

export type SeedKnowledge = (ctx: HubContext, tenantId: string) => Promise<void>;

export async function ensureDemoTenant(ctx: HubContext, seedKnowledge?: SeedKnowledge): Promise<DemoCredentials> {
  const file = join(ctx.config.dataDir, 'demo-credentials.json');
  const [existing] = await ctx.sql<{ id: string }[]>`select id from tenants where slug = 'demo'`;
  if (existing && existsSync(file)) {
    const creds = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
    await allowOrigin(ctx, creds);
    return creds;
  }
  if (existing) throw new Error(`tenant 'demo' exists but ${file} is missing; remove the tenant or restore the file`);

  const password = randomBytes(9).toString('base64url');
  const email = 'demo@misy.local';
  const { tenant, apiKey } = await createTenant(ctx.sql, { name: 'Misy Demo Shop', slug: 'demo', plan: 'premium', operator: { email, password, name: 'Demo Owner' } });
  const channel = await withTenant(ctx.sql, tenant.id, async (tx) => {
    const { row, generated } = await createChannel(tx, ctx.box, tenant.id, {
      type: 'web',
      name: 'Website',
      config: { allowedOrigins: demoOrigins(ctx.config.publicUrl), title: 'Misy Demo Shop', welcome: 'Hi! Ask me about shipping, returns or payments.', theme: { color: '#4f46e5' } },
    });
    await tx`insert into agents (tenant_id, name, description, instructions)
             values (${tenant.id}, 'Shop assistant', 'Answers questions about orders, shipping, returns, payments and products of the Misy Demo Shop.',
                     'You are the friendly assistant of the Misy Demo Shop. Answer only from the knowledge base; hand off to a human when unsure.')`;
    return { id: row.id, widgetKey: generated.widgetKey };
  });
  if (seedKnowledge) await seedKnowledge(ctx, tenant.id);
  const creds: DemoCredentials = { tenantId: tenant.id, email, password, apiKey, widgetKey: channel.widgetKey, channelId: channel.id };
  writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
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
