// `npm start` on a fresh data dir: seeds the demo, prints credentials, serves /healthz;
// a second start reuses the data. Also: a bad config value stops start with a one-line message.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTsx, freePort } from '../support/process';

describe('npm start', () => {
  it('first start seeds and prints credentials; the second reuses the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'misy-start-'));
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
    try {
      const first = spawnTsx('hub/main.ts', [], env);
      const started = Date.now();
      const [, apiKey] = await first.waitFor(/API key\s+(msk_\S+)/, 60_000);
      const seconds = (Date.now() - started) / 1000;
      // The target for a first start on this machine. Measured ~4.8 s, dominated by
      // creating the embedded database (PGlite initdb + migrations, ~3 s) and loading the hub (~1 s).
      expect(seconds, 'first start (seed included) must be ready in under 10 s').toBeLessThan(10);
      expect(first.output()).toMatch(/Console\s+http:\/\/localhost:\d+\/console/);
      expect(first.output()).toMatch(/Demo page\s+http:\/\/localhost:\d+\/demo/);
      expect(first.output()).toMatch(/Operator\s+demo@misy\.local \/ \S+/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const tenant = await fetch(`http://127.0.0.1:${port}/v1/tenant`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect((await tenant.json()).slug).toBe('demo');
      // The printed URLs work: the console, the demo page embedding the widget, the widget itself.
      for (const path of ['/console', '/demo', '/widget.js', '/console.js']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(res.status, path).toBe(200);
      }
      const demo = await (await fetch(`http://127.0.0.1:${port}/demo`)).text();
      expect(demo).toMatch(/<script src="http:\/\/(localhost|127\.0\.0\.1):\d+\/widget\.js" data-widget-key="wk_[\w-]+" async><\/script>/);
      await first.stop();
      console.log(`first start ready in ${seconds.toFixed(1)} s`);

      const second = spawnTsx('hub/main.ts', [], env);
      const [, again] = await second.waitFor(/API key\s+(msk_\S+)/, 60_000);
      expect(again).toBe(apiKey);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toEqual({ ok: true, database: true, pendingMigrations: [] });
      // The key printed on the first start still works: same database, not a new one.
      const res = await fetch(`http://127.0.0.1:${port}/v1/channels`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect((await res.json()).data).toHaveLength(1);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('stops with a one-line message naming a bad variable', async () => {
    const child = spawnTsx('hub/main.ts', [], { PORT: 'ninety', DATA_DIR: join(tmpdir(), 'misy-never') });
    await new Promise((r) => child.proc.once('exit', r));
    expect(child.proc.exitCode).toBe(1);
    expect(child.output().trim()).toMatch(/^Invalid configuration: PORT .+$/);
    const url = spawnTsx('hub/main.ts', [], { DATABASE_URL: 'mysql://x', DATA_DIR: join(tmpdir(), 'misy-never') });
    await new Promise((r) => url.proc.once('exit', r));
    expect(url.output().trim()).toMatch(/^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL$/);
  }, 60_000);
});
