// The window.Misy API a tenant's page scripts: calls queued before the script loads, open/close
// and message events, identify() trusted only with a valid HMAC, setAttributes(), reset().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, until } from '../support/realtime';
import { launchChromium, serveHostPage, type HostPage } from '../support/browser';

let hub: TestHub;
let browser: Browser;
let host: HostPage;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
let channel: Awaited<ReturnType<typeof createWebChannel>>;

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  channel = await createWebChannel(hub, T.apiKey);
  // The page queues calls before the widget loads, the way the embed snippet allows.
  host = await serveHostPage(hub.url, channel.widgetKey, `<script src="/queue.js"></script>`);
  expect((await hub.api(`/v1/channels/${channel.id}`, { method: 'PATCH', token: T.apiKey, body: { config: { allowedOrigins: [host.origin] } } })).status).toBe(200);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => { await browser?.close(); await host?.close(); await hub?.stop(); });

const contactRows = () => hub.ctx.sql<{ name: string | null; email: string | null; attributes: Record<string, unknown> }[]>`select name, email, attributes from contacts order by created_at`;

describe('window.Misy', () => {
  it('runs queued calls, emits events, and trusts identify() only with a valid hash', async () => {
    const page = await (await browser.newContext()).newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.log('page:', m.text()); });
    // Inline scripts are the host's business; the widget itself needs none.
    await page.route('**/queue.js', (r) => r.fulfill({ contentType: 'application/javascript', body: "window.Misy = { q: [['open']] }; window.__events = [];" }));
    await page.goto(host.url);
    await page.getByPlaceholder('Write a message…').waitFor(); // opened by the queued call
    await page.evaluate(() => {
      const w = window as unknown as { Misy: { on(e: string, fn: (x?: unknown) => void): void }; __events: string[] };
      for (const e of ['open', 'close', 'message']) w.Misy.on(e, (x) => w.__events.push(e + (x && typeof x === 'object' && 'text' in x ? `:${(x as { text: string }).text}` : '')));
    });
    await page.evaluate(() => (window as unknown as { Misy: { close(): void; open(): void } }).Misy.close());
    await page.evaluate(() => (window as unknown as { Misy: { close(): void; open(): void } }).Misy.open());

    // A forged identity is refused: the visitor stays anonymous.
    const bad = await page.evaluate(() => (window as unknown as { Misy: { identify(i: unknown): Promise<void> } }).Misy.identify({ id: 'u-42', name: 'Mallory', email: 'm@evil.test', hash: '0'.repeat(64) }).then(() => 'ok', (e: Error) => e.message));
    expect(bad).toMatch(/identity hash does not match/);
    expect((await contactRows()).some((c) => c.name === 'Mallory')).toBe(false);

    const hash = createHmac('sha256', channel.identitySecret).update('u-42').digest('hex');
    await page.evaluate((h) => (window as unknown as { Misy: { identify(i: unknown): Promise<void> } }).Misy.identify({ id: 'u-42', name: 'Lucía Pérez', email: 'lucia@example.com', hash: h }), hash);
    await page.evaluate(() => (window as unknown as { Misy: { setAttributes(a: unknown): Promise<void> } }).Misy.setAttributes({ plan: 'gold' }));
    await until(async () => (await contactRows()).some((c) => c.email === 'lucia@example.com' && c.attributes.plan === 'gold'), 10_000, 'identified contact');

    // An operator reply reaches the page as a `message` event.
    await page.getByPlaceholder('Write a message…').fill('hello as Lucía');
    await page.keyboard.press('Enter');
    let conversationId = '';
    await until(async () => {
      const [c] = await hub.ctx.sql<{ id: string }[]>`select c.id from conversations c join contacts k on k.id = c.contact_id where k.email = 'lucia@example.com'`;
      conversationId = c?.id ?? '';
      return !!c;
    }, 10_000, 'conversation');
    expect((await hub.api(`/v1/conversations/${conversationId}/messages`, { token: T.apiKey, body: { text: 'Hola Lucía' } })).status).toBe(201);
    await until(async () => (await page.evaluate(() => (window as unknown as { __events: string[] }).__events)).includes('message:Hola Lucía'), 10_000, 'message event');
    const events = await page.evaluate(() => (window as unknown as { __events: string[] }).__events);
    expect(events.slice(0, 2)).toEqual(['close', 'open']);
  }, 60_000);
});

describe('window.Misy lifecycle', () => {
  it('identify() queued before load makes one identified contact; ready is replayed; toggle emits no spurious close; a declined consent is remembered', async () => {
    const consentChannel = await createWebChannel(hub, T.apiKey);
    const hash = createHmac('sha256', consentChannel.identitySecret).update('u-77').digest('hex');
    const page2 = await serveHostPage(hub.url, consentChannel.widgetKey,
      `<script>window.__ev = []; window.Misy = { q: [['identify', { id: 'u-77', name: 'Ana Queued', hash: '${hash}' }], ['on', 'open', () => __ev.push('open')], ['on', 'close', () => __ev.push('close')]] };</script>`);
    try {
      expect((await hub.api(`/v1/channels/${consentChannel.id}`, { method: 'PATCH', token: T.apiKey, body: { config: { allowedOrigins: [page2.origin], requireConsent: ['ai', 'learning'] } } })).status).toBe(200);
      const before = (await contactRows()).length;
      const page = await (await browser.newContext()).newPage();
      await page.goto(page2.url);
      await page.getByRole('button', { name: 'Open chat' }).waitFor();
      // A listener added after start still hears `ready`.
      expect(await page.evaluate(() => new Promise((r) => (window as unknown as { Misy: { on(e: string, f: () => void): void } }).Misy.on('ready', () => r('ready'))))).toBe('ready');
      const after = await contactRows();
      expect(after.length - before).toBe(1); // no anonymous contact first
      expect(after.some((c) => c.name === 'Ana Queued')).toBe(true);

      const misy = (call: 'toggle' | 'reset') => page.evaluate((c) => (window as unknown as { Misy: Record<string, () => unknown> }).Misy[c](), call);
      await misy('toggle');
      // The consent question names exactly what the channel asks for.
      await page.getByText(/AI assistant answer.*and use anonymized conversations/).waitFor();
      await page.getByRole('button', { name: 'No, thanks' }).click();
      await misy('toggle');
      await page.getByPlaceholder('Write a message…').waitFor({ state: 'detached' });
      await page.waitForTimeout(100);
      expect(await page.evaluate(() => (window as unknown as { __ev: string[] }).__ev)).toEqual(['open', 'close']);

      // Declining is remembered across a reload; the privacy link asks again.
      await page.reload();
      await page.getByRole('button', { name: 'Open chat' }).click();
      await page.getByPlaceholder('Write a message…').waitFor();
      expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Privacy choices' }).click();
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached' });
      const rows = await hub.ctx.sql<{ purpose: string; granted: boolean; text_shown: string }[]>`select purpose, granted, text_shown from consents order by id desc limit 2`;
      expect(rows.map((r) => `${r.purpose}:${r.granted}`).sort()).toEqual(['ai:true', 'learning:true']);
      expect(rows[0].text_shown).toMatch(/improve our answers/);

      // reset(): a new anonymous visitor, the panel stays open, and no close/open pair is emitted.
      await page.evaluate(() => { (window as unknown as { __ev: string[] }).__ev = []; (window as unknown as { Misy: { on(e: string, f: () => void): void } }).Misy.on('close', () => (window as unknown as { __ev: string[] }).__ev.push('close')); });
      await misy('reset');
      await until(async () => (await contactRows()).length === after.length + 1, 5000, 'a new anonymous contact');
      await page.getByPlaceholder('Write a message…').waitFor();
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => (window as unknown as { __ev: string[] }).__ev)).toEqual([]);
    } finally {
      await page2.close();
    }
  }, 40_000);
});
