// A burst on a public route must never take the hub down. 200 concurrent widget sessions used
// to crash the process inside the Postgres client (a BEGIN pipelined behind a full queue).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, PLATFORM_KEY, type TestHub } from '../support/hub';

const ORIGIN = 'https://shop.example';
let hub: TestHub;
let widgetKey: string;

beforeAll(async () => {
  hub = await startTestHub({ MISY_RATE_LIMITS: JSON.stringify({ enterprise: { tenantPerMinute: 1_000_000, contactPerMinute: 1_000_000 } }) });
  const t = await hub.api('/v1/tenants', { token: PLATFORM_KEY, body: { name: 'Burst', slug: 'burst', plan: 'enterprise', operator: { email: 'o@burst.test', password: 'burst-password-123' } } });
  const ch = await hub.api('/v1/channels', { token: t.body.apiKey, body: { type: 'web', name: 'Site', config: { allowedOrigins: [ORIGIN] } } });
  widgetKey = ch.body.widgetKey;
});
afterAll(async () => { await hub?.stop(); });

describe('bursts of concurrent requests', () => {
  it('serves 3 waves of 200 concurrent widget sessions with no 5xx and stays healthy', async () => {
    for (let wave = 0; wave < 3; wave++) {
      const statuses = await Promise.all(Array.from({ length: 200 }, () =>
        hub.api('/v1/widget/session', { body: { widgetKey }, headers: { origin: ORIGIN } }).then((r) => r.status)));
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      // Throttling may answer some with 429; the rest must succeed.
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    }
    expect((await hub.api('/healthz')).status).toBe(200);
  });
});
