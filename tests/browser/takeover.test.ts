// The acceptance scenario in real headless Chromium: a host page on another origin embeds
// /widget.js; the visitor writes; an operator logged into /console (second browser context) sees
// it appear live, takes over and replies; the visitor sees the reply. Screenshots of both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { createWebChannel, until } from '../support/realtime';
import { launchChromium, serveHostPage, screenshot, type HostPage } from '../support/browser';

let hub: TestHub;
let browser: Browser;
let host: HostPage;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  const channel = await createWebChannel(hub, T.apiKey, { title: 'Acme support', welcome: 'Hi! How can we help?' });
  host = await serveHostPage(hub.url, channel.widgetKey);
  const patched = await hub.api(`/v1/channels/${channel.id}`, { method: 'PATCH', token: T.apiKey, body: { config: { allowedOrigins: [host.origin], title: 'Acme support', welcome: 'Hi! How can we help?' } } });
  expect(patched.status).toBe(200);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => { await browser?.close(); await host?.close(); await hub?.stop(); });

describe('widget on another origin ↔ operator console', () => {
  it('the operator sees the visitor live, takes over and replies; the visitor sees the reply', async () => {
    const visitor = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    const operator = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

    // The operator logs in first and waits on an empty list.
    await operator.goto(`${hub.url}/console`);
    await operator.getByLabel('Email').fill(T.email);
    await operator.getByLabel('Password').fill(T.password);
    await operator.getByRole('button', { name: 'Sign in' }).click();
    await operator.getByText('Select a conversation').waitFor();

    await visitor.goto(host.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await visitor.getByText('Hi! How can we help?').waitFor();
    await visitor.getByPlaceholder('Write a message…').fill('Hello, is my order 1042 on its way?');
    await visitor.keyboard.press('Enter');
    await visitor.getByText('Sent', { exact: false }).waitFor();

    // Appears in the console without any reload, marked as waiting for a human (no agent here).
    const item = operator.locator('.item', { hasText: 'Hello, is my order 1042 on its way?' });
    await item.waitFor({ timeout: 10_000 });
    await item.getByText('Waiting').waitFor(); // no agent on this tenant: it waits for a human
    await until(async () => (await operator.title()) === '(1) Misy console', 5000, 'the title to count the waiting conversation');
    await item.click();
    await operator.locator('.msgs').getByText('Hello, is my order 1042 on its way?').waitFor();
    await operator.getByRole('button', { name: 'Take over' }).click();
    await operator.locator('.conv .head').getByText('Human').waitFor();
    await operator.getByLabel('Reply').fill('Hi! Yes — it left our warehouse this morning.');
    await operator.keyboard.press('Enter');
    await operator.locator('.msgs').getByText('it left our warehouse this morning').waitFor();

    await visitor.getByText('Hi! Yes — it left our warehouse this morning.').waitFor({ timeout: 10_000 });
    await screenshot(visitor, 'widget');
    await screenshot(operator, 'console');

    // What both saw is what is stored, once.
    const convs = await hub.api('/v1/conversations', { token: T.apiKey });
    expect(convs.body.data).toHaveLength(1);
    expect(convs.body.data[0].status).toBe('open');
    expect(convs.body.data[0].assigneeId).toBe(T.operatorId);
    const msgs = await hub.api(`/v1/conversations/${convs.body.data[0].id}/messages`, { token: T.apiKey });
    expect(msgs.body.data.map((m: { sender: { type: string }; text: string }) => `${m.sender.type}: ${m.text}`)).toEqual([
      'contact: Hello, is my order 1042 on its way?',
      'operator: Hi! Yes — it left our warehouse this morning.',
    ]);
  }, 60_000);
});
