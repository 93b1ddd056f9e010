// The widget as a visitor lives with it, in real Chromium: host CSS cannot reach it; a reload
// keeps the conversation; messages typed offline are sent once on reconnect; the consent prompt
// appears when the channel requires it; agent replies stream; a disallowed origin gets nothing;
// and everything it downloads fits the 25 KB gzip budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import type { TestHub } from '../support/hub';
import { startDemoHub } from '../support/agents';
import { until } from '../support/realtime';
import { launchChromium, serveHostPage, screenshot, type HostPage } from '../support/browser';
import { ROOT } from '../support/process';

let hub: Awaited<ReturnType<typeof startDemoHub>>;
let browser: Browser;
let host: HostPage;

async function allowOrigins(h: TestHub, channelId: string, token: string, origins: string[], extra: Record<string, unknown> = {}) {
  const current = (await h.api(`/v1/channels/${channelId}`, { token })).body.config;
  const r = await h.api(`/v1/channels/${channelId}`, { method: 'PATCH', token, body: { config: { ...current, ...extra, allowedOrigins: origins } } });
  expect(r.status).toBe(200);
}

const storedTexts = async (contactText: RegExp) => {
  const rows = await hub.ctx.sql<{ text: string }[]>`select text from messages where sender_type = 'contact' order by created_at`;
  return rows.map((r) => r.text).filter((t) => contactText.test(t));
};

beforeAll(async () => {
  hub = await startDemoHub();
  host = await serveHostPage(hub.url, hub.demo.widgetKey);
  await allowOrigins(hub, hub.demo.channelId, hub.demo.apiKey, [host.origin]);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => { await browser?.close(); await host?.close(); await hub?.stop(); });

async function openWidget(page: Page) {
  await page.goto(host.url);
  await page.getByRole('button', { name: /Open chat/ }).click();
  await page.getByPlaceholder('Write a message…').waitFor();
}

describe('widget in Chromium', () => {
  it('renders in a shadow root the host CSS cannot reach, and streams an agent answer', async () => {
    const page = await (await browser.newContext()).newPage();
    await openWidget(page);
    const styles = await page.evaluate(() => {
      const root = document.querySelector('misy-chat')!.shadowRoot!;
      const send = root.querySelector('.send') as HTMLElement;
      const cs = getComputedStyle(send);
      return { color: cs.color, font: cs.fontSize, hostBorder: getComputedStyle(document.querySelector('misy-chat')!).borderTopWidth };
    });
    expect(styles.color).toBe('rgb(255, 255, 255)'); // the host says red !important for every button
    expect(styles.font).not.toBe('40px');
    expect(styles.hostBorder).toBe('0px');
    // Keyboard: opening focuses the composer; Escape closes and the bubble says so.
    expect(await page.evaluate(() => document.querySelector('misy-chat')!.shadowRoot!.activeElement?.tagName)).toBe('TEXTAREA');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Open chat' }).waitFor();
    expect(await page.getByRole('button', { name: 'Open chat' }).getAttribute('aria-expanded')).toBe('false');
    const deltas: number[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => { if (String(f.payload).includes('message:delta')) deltas.push(Date.now()); }));
    await page.reload(); // so the listener sees the socket from its start
    await page.getByRole('button', { name: /Open chat/ }).click();
    await page.getByPlaceholder('Write a message…').fill('Which payment methods do you accept?');
    await page.keyboard.press('Enter');
    await page.getByText(/Source:/).waitFor({ timeout: 10_000 });
    expect(deltas.length).toBeGreaterThan(1); // the answer arrived in pieces before the stored message
    await screenshot(page, 'widget-answer');
  });

  it('keeps the conversation across a reload and sends messages typed offline exactly once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openWidget(page);
    await page.getByPlaceholder('Write a message…').fill('first message before reload');
    await page.keyboard.press('Enter');
    await page.getByText('first message before reload').waitFor();
    await until(async () => (await storedTexts(/first message before reload/)).length === 1, 10_000, 'stored');

    await page.reload();
    await page.getByRole('button', { name: /Open chat/ }).click();
    await page.getByText('first message before reload').waitFor({ timeout: 10_000 }); // history came back

    // The visitor's network goes away: the live connection drops and reconnecting cannot succeed.
    await context.setOffline(true);
    hub.realtime.io.of('/widget').disconnectSockets(true);
    await page.getByText(/Offline/).waitFor({ timeout: 10_000 });
    for (const text of ['offline one', 'offline two']) {
      await page.getByPlaceholder('Write a message…').fill(text);
      await page.keyboard.press('Enter');
    }
    await expect(page.getByText('Sending…').count()).resolves.toBe(2);
    await context.setOffline(false);
    await until(async () => (await storedTexts(/^offline (one|two)$/)).length === 2, 20_000, 'offline messages stored');
    await page.waitForTimeout(1000);
    expect(await storedTexts(/^offline (one|two)$/)).toEqual(['offline one', 'offline two']);
    await expect(page.getByText('Sending…').count()).resolves.toBe(0);
  }, 60_000);

  it('shows the consent prompt when the channel requires consent, and records the answer', async () => {
    await allowOrigins(hub, hub.demo.channelId, hub.demo.apiKey, [host.origin], { requireConsent: ['ai'] });
    try {
      const page = await (await browser.newContext()).newPage();
      await openWidget(page);
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.getByRole('button', { name: 'Accept' }).waitFor({ state: 'detached' });
      const [row] = await hub.ctx.sql`select granted, source, text_shown from consents order by id desc limit 1`;
      expect(row).toMatchObject({ granted: true, source: 'widget' });
      expect(row.text_shown).toMatch(/AI assistant/);
    } finally {
      await allowOrigins(hub, hub.demo.channelId, hub.demo.apiKey, [host.origin], { requireConsent: [] });
    }
  });

  it('a page on a disallowed origin gets no session and no widget', async () => {
    const other = await serveHostPage(hub.url, hub.demo.widgetKey);
    try {
      const page = await (await browser.newContext()).newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      const contactsBefore = (await hub.ctx.sql`select count(*)::int as n from contacts`)[0].n;
      const refused = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/v1/widget/session'));
      await page.goto(other.url);
      await refused; // the hub answered 403 without CORS headers: the browser blocks it
      await until(() => logs.some((l) => l.includes('[misy] the chat could not start')), 5000, 'the widget to report it');
      expect(await page.evaluate(() => document.querySelector('misy-chat')?.shadowRoot?.querySelector('.bubble') ?? null)).toBeNull();
      expect((await hub.ctx.sql`select count(*)::int as n from contacts`)[0].n).toBe(contactsBefore);
    } finally {
      await other.close();
    }
  });

  it('stays within 25 KB: on disk gzipped, and as transferred over the network', async () => {
    const bundle = readFileSync(join(ROOT, 'public', 'build', 'widget.js'));
    expect(gzipSync(bundle, { level: 9 }).length).toBeLessThanOrEqual(25 * 1024);
    // What a visitor's browser really downloads: every HTTP response after the host page itself
    // (the script, compressed by the hub, and the session), counted by Chromium's network stack.
    const page = await (await browser.newContext()).newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    const bytes = new Map<string, number>();
    const encodings = new Map<string, string>();
    cdp.on('Network.responseReceived', (e) => { urls.set(e.requestId, e.response.url); encodings.set(e.response.url, String(e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '')); });
    cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
    await openWidget(page);
    await page.waitForTimeout(300);
    const widgetLoads = [...bytes].filter(([id]) => urls.get(id) && urls.get(id) !== host.url);
    const transferred = widgetLoads.reduce((sum, [, n]) => sum + n, 0);
    expect(widgetLoads.map(([id]) => new URL(urls.get(id)!).pathname)).toEqual(expect.arrayContaining(['/widget.js', '/v1/widget/session']));
    expect(encodings.get(`${hub.url}/widget.js`)).toMatch(/^(br|gzip)$/);
    console.info(`widget transferred: ${transferred} bytes (${widgetLoads.length} responses)`);
    expect(transferred).toBeLessThanOrEqual(25 * 1024);
  });

  it('is usable on a phone: full-screen modal panel, no keyboard thrown up on open', async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true })).newPage();
    await openWidget(page);
    const box = await page.locator('misy-chat .panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 760 });
    expect(await page.locator('misy-chat .panel').getAttribute('aria-modal')).toBe('true');
    // Focus moves into the dialog (its close button), not the composer: no on-screen keyboard yet.
    expect(await page.evaluate(() => document.querySelector('misy-chat')!.shadowRoot!.activeElement?.className)).toBe('x');
    await screenshot(page, 'widget-mobile');
  });
});
