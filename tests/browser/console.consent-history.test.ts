// The console's contact panel shows the consent history, not only the current answer: each
// decision with its purpose, granted or withdrawn, source and time, newest first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { connect, createWebChannel, emitAck, widgetSession, type ClientSocket } from '../support/realtime';
import { launchChromium } from '../support/browser';

let hub: TestHub;
let browser: Browser;
let socket: ClientSocket | undefined;

beforeAll(async () => {
  hub = await startTestHub();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => { socket?.close(); await browser?.close(); await hub?.stop(); });

describe('console contact panel', () => {
  it('lists every consent decision with purpose, outcome, source and time', async () => {
    const T = await createTenantViaApi(hub);
    const channel = await createWebChannel(hub, T.apiKey);
    const session = await widgetSession(hub, channel.widgetKey);
    socket = await connect(hub.url, '/widget', session.body.token);
    expect((await emitAck(socket, 'consent:set', { purpose: 'ai', granted: true })).ok).toBe(true);
    expect((await emitAck(socket, 'consent:set', { purpose: 'ai', granted: false })).ok).toBe(true);
    expect((await emitAck(socket, 'message:send', { clientId: 'h-1', text: 'consent history please' })).ok).toBe(true);
    await hub.api(`/v1/contacts/${session.body.contactId}/consents`, { token: T.apiKey, body: { purpose: 'marketing', granted: true } });

    const page = await (await browser.newContext({ viewport: { width: 820, height: 1180 } })).newPage();
    await page.goto(`${hub.url}/console`);
    await page.getByLabel('Email').fill(T.email);
    await page.getByLabel('Password').fill(T.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.item', { hasText: 'consent history please' }).click();
    await page.getByRole('button', { name: 'Contact details' }).click();
    await page.locator('.consent-history summary', { hasText: 'History (3)' }).click();
    const items = page.locator('.consent-history li');
    await items.first().waitFor();
    const texts = await items.allTextContents();
    expect(texts).toHaveLength(3);
    expect(texts[0]).toMatch(/^marketing granted via api · /);
    expect(texts[1]).toMatch(/^ai withdrawn via widget · /);
    expect(texts[2]).toMatch(/^ai granted via widget · /);
    expect(await items.locator('time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  }, 60_000);
});
