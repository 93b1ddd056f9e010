// The router picks the agent whose description fits the first message and records it on the
// conversation; `npm run ingest` adds files to a tenant's knowledge with de-duplication, and
// refuses to open an embedded database a running hub holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel } from '../support/realtime';
import { visitor } from '../support/agents';
import { spawnTsx } from '../support/process';

describe('router', () => {
  let hub: TestHub;
  beforeAll(async () => { hub = await startTestHub(); });
  afterAll(() => hub?.stop());

  it('routes each conversation to the agent whose description fits, and keeps it', async () => {
    const T = await createTenantViaApi(hub);
    const billing = await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Billing', description: 'Invoices, payments, card charges, refunds and billing errors.', instructions: '' } });
    const shipping = await hub.api('/v1/agents', { token: T.apiKey, body: { name: 'Shipping', description: 'Delivery times, tracking numbers, couriers and shipping costs.', instructions: '' } });
    await hub.api('/v1/knowledge', { token: T.apiKey, body: { title: 'Charges', format: 'text', content: 'If your card was charged twice, the duplicate charge is reversed automatically within 3 business days.' } });
    const channel = await createWebChannel(hub, T.apiKey);

    const a = await visitor(hub, channel.widgetKey);
    const qa = await a.ask('My card was charged twice for the same invoice');
    const ra = await a.replyTo(qa);
    const b = await visitor(hub, channel.widgetKey);
    const qb = await b.ask('Where is my package? The tracking number shows no courier updates');
    await b.replyTo(qb);
    a.close(); b.close();

    const conv = async (id: string) => (await hub.api(`/v1/conversations/${id}`, { token: T.apiKey })).body;
    expect((await conv(qa.conversationId)).agentId).toBe(billing.body.id);
    expect(ra.sender.name).toBe('Billing');
    expect(ra.text).toMatch(/reversed automatically/);
    expect((await conv(qb.conversationId)).agentId).toBe(shipping.body.id);
  });
});

describe('npm run ingest', () => {
  it('ingests a folder with a progress bar, skips duplicates, and respects a running hub', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'misy-ingest-'));
    const env = { DATA_DIR: dataDir, MISY_SECRET: 'ingest-test-secret-0123456789abcdefghij', LOG_LEVEL: 'silent' };
    const hub = await startTestHub({}, { dataDir });
    const T = await createTenantViaApi(hub, 'acme');
    // While the hub holds the embedded database, the CLI refuses instead of corrupting it.
    const docs = join(dataDir, 'docs');
    mkdirSync(join(docs, 'faq'), { recursive: true });
    writeFileSync(join(docs, 'warranty.md'), '# Warranty\n\nEvery Acme kettle has a two year warranty covering the heating element and the lid hinge.');
    writeFileSync(join(docs, 'faq', 'care.html'), '<html><head><title>Care guide</title><script>evil()</script></head><body><h1>Care</h1><p>Descale the kettle monthly with white vinegar.</p></body></html>');
    writeFileSync(join(docs, 'faq', 'copy.md'), '# Warranty\n\nEvery Acme kettle has a two year warranty covering the heating element and the lid hinge.');
    writeFileSync(join(docs, 'image.png'), 'not a document');
    const locked = spawnTsx('hub/cli/ingest.ts', ['--tenant', 'acme', docs], env);
    await new Promise((r) => locked.proc.once('exit', r));
    expect(locked.proc.exitCode).toBe(1);
    expect(locked.output()).toMatch(/in use by process/);
    await hub.close();

    const run = spawnTsx('hub/cli/ingest.ts', ['--tenant', 'acme', docs], env);
    await new Promise((r) => run.proc.once('exit', r));
    expect(run.output()).toMatch(/2 added .*1 already present/);
    expect(run.proc.exitCode).toBe(0);

    const again = await startTestHub({}, { dataDir });
    try {
      const list = await again.api('/v1/knowledge', { token: T.apiKey });
      expect(list.body.data.map((d: { title: string }) => d.title).sort()).toEqual(['Care guide', 'Warranty']);
      const hits = await again.api('/v1/knowledge/search?q=how%20do%20I%20descale%20it', { token: T.apiKey });
      expect(hits.body.data[0].content).toMatch(/white vinegar/);
      expect(JSON.stringify(hits.body.data)).not.toMatch(/evil/);
    } finally {
      await again.stop();
    }
  });
});
