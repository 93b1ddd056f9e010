// Anonymous widget sessions (each may create a contact) are throttled per client address and per
// widget key, by plan. The client address comes from X-Forwarded-For only with MISY_TRUST_PROXY.
import { describe, expect, it } from 'vitest';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, SHOP_ORIGIN } from '../support/realtime';
import { loadConfig, ConfigError } from '../../hub/config';

const LIMITS = JSON.stringify({ free: { tenantPerMinute: 8, contactPerMinute: 3 } });

const session = (hub: TestHub, widgetKey: string, forwardedFor?: string) =>
  hub.api('/v1/widget/session', { body: { widgetKey }, headers: { origin: SHOP_ORIGIN, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) } });

async function contacts(hub: TestHub): Promise<number> {
  return (await hub.ctx.sql`select count(*)::int as n from contacts`)[0].n;
}

describe('widget session throttling', () => {
  it('without a trusted proxy, X-Forwarded-For is ignored: one address, one budget', async () => {
    const hub = await startTestHub({ MISY_RATE_LIMITS: LIMITS });
    try {
      const t = await createTenantViaApi(hub);
      const { widgetKey } = await createWebChannel(hub, t.apiKey);
      const before = await contacts(hub);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await session(hub, widgetKey, `198.51.100.${i}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await session(hub, widgetKey);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await contacts(hub)).toBe(before + 3);
    } finally {
      await hub.stop();
    }
  });

  it('behind a trusted proxy, each forwarded client has its own budget and the widget key caps them all', async () => {
    const hub = await startTestHub({ MISY_RATE_LIMITS: LIMITS, MISY_TRUST_PROXY: 'true' });
    try {
      const t = await createTenantViaApi(hub);
      const { widgetKey } = await createWebChannel(hub, t.apiKey);
      // Only the entry our proxy appended counts; what the client wrote in front of it is ignored.
      const a = [];
      for (let i = 0; i < 4; i++) a.push((await session(hub, widgetKey, `10.9.9.${i}, 203.0.113.1`)).status);
      expect(a).toEqual([200, 200, 200, 429]);
      expect((await session(hub, widgetKey, '203.0.113.2')).status).toBe(200);
      // 4 sessions spent of the key's 8 (a 429 spends nothing of the key budget).
      const more = [];
      for (let i = 3; i < 9; i++) more.push((await session(hub, widgetKey, `203.0.113.${i}`)).status);
      expect(more).toEqual([200, 200, 200, 200, 429, 429]);

      // Audit rows carry the forwarded client address too.
      await hub.api('/v1/auth/login', { body: { email: t.email, password: t.password }, headers: { 'x-forwarded-for': '192.0.2.77' } });
      const audit = await hub.api('/v1/audit?action=auth.login', { token: t.accessToken });
      expect(audit.body.data[0].ip).toBe('192.0.2.77');
    } finally {
      await hub.stop();
    }
  });

  it('MISY_TRUST_PROXY is validated at start', () => {
    expect(loadConfig({ MISY_SECRET: 'x'.repeat(32), MISY_TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    expect(loadConfig({ MISY_SECRET: 'x'.repeat(32) }).trustProxyHops).toBe(0);
    expect(() => loadConfig({ MISY_SECRET: 'x'.repeat(32), MISY_TRUST_PROXY: 'sometimes' })).toThrow(ConfigError);
  });
});
