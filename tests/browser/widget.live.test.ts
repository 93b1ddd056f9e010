// The widget's live behaviour in Chromium: sender labels (you / AI / team), delivery state applied
// from `message:status`, typing both ways (an incoming one expires), streamed drafts ordered by
// `index` and dropped or replaced cleanly, the unread badge across a reload, history paging that
// keeps the visitor's place, and Spanish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Message } from '../../sdk/src/types';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { collect, connect, createWebChannel, emitAck, until, type ClientSocket } from '../support/realtime';
import { launchChromium, serveHostPage, screenshot, type HostPage } from '../support/browser';

let hub: TestHub;
let browser: Browser;
let host: HostPage;
let spanish: HostPage;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
let channel: Awaited<ReturnType<typeof createWebChannel>>;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  channel = await createWebChannel(hub, T.apiKey);
  host = await serveHostPage(hub.url, channel.widgetKey);
  spanish = await serveHostPage(hub.url, channel.widgetKey, `<script>window.Misy = { locale: 'es' }</script>`);
  const patched = await hub.api(`/v1/channels/${channel.id}`, { method: 'PATCH', token: T.apiKey, body: { config: { allowedOrigins: [host.origin, spanish.origin] } } });
  expect(patched.status).toBe(200);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => { sockets.forEach((s) => s.close()); await browser?.close(); await host?.close(); await spanish?.close(); await hub?.stop(); });

const shadow = <T>(page: Page, fn: (root: ShadowRoot) => T) => page.evaluate(fn as never, undefined) as Promise<T>;

async function visitorSays(page: Page, text: string) {
  await page.getByPlaceholder(/Write a message|Escribe un mensaje/).fill(text);
  await page.keyboard.press('Enter');
  let conversationId = '';
  let contactId = '';
  await until(async () => {
    const [row] = await hub.ctx.sql<{ conversation_id: string; contact_id: string }[]>`select m.conversation_id, c.contact_id from messages m join conversations c on c.id = m.conversation_id where m.text = ${text}`;
    conversationId = row?.conversation_id ?? '';
    contactId = row?.contact_id ?? '';
    return !!row;
  }, 10_000, `"${text}" stored`);
  return { conversationId, contactId };
}

const operatorSays = async (conversationId: string, text: string) =>
  expect((await hub.api(`/v1/conversations/${conversationId}/messages`, { token: T.accessToken, body: { text } })).status).toBe(201);

describe('widget, live', () => {
  it('labels every sender, applies message:status, shows typing both ways and streams drafts cleanly', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText('Hi! How can we help you today?').waitFor(); // the localized welcome when the channel has none
    const { conversationId, contactId } = await visitorSays(page, 'Where is my parcel?');
    const mine = page.locator('misy-chat .msg.me', { hasText: 'Where is my parcel?' });
    await mine.locator('.who', { hasText: 'You' }).waitFor();
    await mine.getByText(/· Sent$/).waitFor();

    // Delivery state follows the hub's message:status, not the state at send time.
    const [stored] = await hub.ctx.sql<{ id: string; seq: number }[]>`select id, seq from messages where text = 'Where is my parcel?'`;
    hub.realtime.io.of('/widget').to(`k:${contactId}`).emit('message:status', { conversationId, messageId: stored.id, seq: stored.seq, status: 'read' });
    await mine.getByText(/· Read$/).waitFor();

    // Typing, visitor → operator and operator → visitor; a "typing" never followed by "stopped" expires.
    const operator = await connect(hub.url, '/console', T.accessToken, hub.url);
    sockets.push(operator);
    expect((await emitAck(operator, 'conversation:join', { conversationId })).ok).toBe(true);
    const typing = collect<{ typing: boolean; sender: { type: string } }>(operator, 'typing');
    await page.getByPlaceholder('Write a message…').pressSequentially('and', { delay: 20 });
    await until(() => typing.some((e) => e.typing && e.sender.type === 'contact'), 5000, 'the operator to see the visitor typing');
    operator.emit('typing', { conversationId, typing: true });
    await page.getByText('Owner is typing…').waitFor();
    const shownAt = Date.now();
    await page.getByText('Owner is typing…').waitFor({ state: 'detached', timeout: 8000 });
    expect(Date.now() - shownAt).toBeGreaterThan(3500);

    // An operator's reply is labelled with their name and no AI tag.
    await operatorSays(conversationId, 'It ships today.');
    const human = page.locator('misy-chat .msg.them', { hasText: 'It ships today.' });
    await human.locator('.who', { hasText: 'Team' }).waitFor(); // REST replies carry no operator name (a hub gap)
    expect(await human.locator('.ai').count()).toBe(0);

    // A streamed draft: pieces out of order land by index; the stored message replaces it.
    const widgetNs = hub.realtime.io.of('/widget').to(`k:${contactId}`);
    widgetNs.emit('message:delta', { conversationId, draftId: 'd1', delta: 'world', index: 1 });
    widgetNs.emit('message:delta', { conversationId, draftId: 'd1', delta: 'Hello ', index: 0 });
    await page.locator('misy-chat .msg.them .b', { hasText: 'Hello world' }).waitFor();
    const [last] = await hub.ctx.sql<{ seq: number }[]>`select max(seq)::int as seq from messages where conversation_id = ${conversationId}`;
    const final: Message = { id: '00000000-0000-4000-8000-00000000d001', tenantId: T.tenantId, conversationId, seq: last.seq + 1, direction: 'out', sender: { type: 'agent', id: null, name: 'Helper' }, text: 'Hello world!', attachments: [], channel: { id: channel.id, type: 'web' }, status: 'sent', meta: { draftId: 'd1' }, createdAt: new Date().toISOString() };
    widgetNs.emit('message:new', { conversationId, seq: final.seq, message: final });
    widgetNs.emit('message:delta', { conversationId, draftId: 'd1', delta: ' late', index: 2 }); // must not resurrect it
    const agent = page.locator('misy-chat .msg.them', { hasText: 'Hello world!' });
    await agent.locator('.ai', { hasText: 'AI' }).waitFor();
    await agent.getByText('(automated reply)').waitFor({ state: 'attached' });
    await page.waitForTimeout(200);
    expect(await page.locator('misy-chat .msg.them .b', { hasText: /^Hello world/ }).allTextContents()).toEqual(['Hello world!']);

    // An abandoned stream leaves nothing behind.
    widgetNs.emit('message:delta', { conversationId, draftId: 'd2', delta: 'Let me check', index: 0 });
    await page.getByText('Let me check').waitFor();
    widgetNs.emit('message:delta', { conversationId, draftId: 'd2', delta: '', index: 1, abandoned: true });
    await page.getByText('Let me check').waitFor({ state: 'detached' });
    await screenshot(page, 'widget-live');
  }, 40_000);

  it('keeps the unread badge across a reload, and pages older history without losing the place', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const { conversationId } = await visitorSays(page, 'history starts here');
    await page.keyboard.press('Escape');
    // Escape returns focus to the launcher, which says the panel is closed.
    await until(async () => (await shadow(page, () => document.querySelector('misy-chat')!.shadowRoot!.activeElement?.className)) === 'bubble', 2000, 'focus back on the launcher');
    for (let i = 1; i <= 34; i++) await operatorSays(conversationId, `update ${i}`);
    await page.getByRole('button', { name: /Open chat \(34 unread messages\)/ }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: /Open chat \(34 unread messages\)/ }).waitFor();
    expect(await page.locator('misy-chat .badge').textContent()).toBe('34');
    await screenshot(page, 'widget-unread');

    await page.getByRole('button', { name: /Open chat/ }).click();
    await page.getByText('update 34').waitFor();
    expect(await page.locator('misy-chat .badge').count()).toBe(0);
    expect(await page.getByText('history starts here').count()).toBe(0); // beyond the newest page
    // Opens on the newest message, not the top of the page.
    await until(() => page.locator('misy-chat .log').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 5), 3000, 'scrolled to the newest');
    const anchor = page.getByText('update 10', { exact: true });
    // Scrolling to the top asks for the previous page; measure where the anchor sits right then.
    const topBefore = await page.locator('misy-chat .log').evaluate((el) => {
      el.scrollTop = 0;
      return [...el.querySelectorAll('.b')].find((b) => b.textContent === 'update 10')!.getBoundingClientRect().top;
    });
    await page.getByText('history starts here').waitFor();
    await page.waitForTimeout(100);
    // What the visitor was looking at did not jump away.
    expect(Math.abs((await anchor.boundingBox())!.y - topBefore)).toBeLessThan(60);
    await page.reload();
    expect(await page.locator('misy-chat .badge').count()).toBe(0); // read stays read
  }, 40_000);

  it('speaks Spanish: launcher, welcome, labels, delivery state and 24-hour times', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(spanish.url);
    await page.getByRole('button', { name: 'Abrir chat' }).click();
    await page.getByText('¡Hola! ¿En qué podemos ayudarte?').waitFor();
    await visitorSays(page, 'Hola, ¿hacen envíos?');
    const mine = page.locator('misy-chat .msg.me', { hasText: 'Hola, ¿hacen envíos?' });
    await mine.locator('.who', { hasText: 'Tú' }).waitFor();
    expect(await mine.locator('.meta').textContent()).toMatch(/^\d{2}:\d{2} · Enviado$/);
    await page.getByRole('button', { name: 'Cerrar chat' }).first().waitFor();
    await screenshot(page, 'widget-es');
  });
});
