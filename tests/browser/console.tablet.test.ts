// The operator console on a tablet (820×1180): filters asked of the server, earlier messages
// prepended without moving what the operator reads, live delivery state, messages that arrive in
// the open conversation count as read, and the contact panel's channel name and neutral consent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { connect, createWebChannel, emitAck, until, widgetSession, type ClientSocket } from '../support/realtime';
import { launchChromium, screenshot } from '../support/browser';

let hub: TestHub;
let browser: Browser;
let T: Awaited<ReturnType<typeof createTenantViaApi>>;
const sockets: ClientSocket[] = [];

async function visitor(channelKey: string, first: string) {
  const session = await widgetSession(hub, channelKey);
  const socket = await connect(hub.url, '/widget', session.body.token);
  sockets.push(socket);
  let n = 0;
  const say = async (text: string) => (await emitAck(socket, 'message:send', { clientId: `c${n++}-${Date.now()}`, text })).data as { id: string; seq: number; conversationId: string };
  const m = await say(first);
  return { say, conversationId: m.conversationId, contactId: session.body.contactId as string };
}

beforeAll(async () => {
  hub = await startTestHub();
  T = await createTenantViaApi(hub);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => { sockets.forEach((s) => s.close()); await browser?.close(); await hub?.stop(); });

describe('console on a tablet', () => {
  it('pages, applies status, keeps read what was seen, and shows the contact panel', async () => {
    const channel = await createWebChannel(hub, T.apiKey);
    const long = await visitor(channel.widgetKey, 'message 0');
    // Filled from the business side: a visitor sending 80 messages in a row would be rate-limited.
    for (let i = 1; i < 80; i++) await hub.api(`/v1/conversations/${long.conversationId}/messages`, { token: T.accessToken, body: { text: `message ${i}` } }); // as the operator
    const other = await visitor(channel.widgetKey, 'a second visitor');

    const page = await (await browser.newContext({ viewport: { width: 820, height: 1180 }, hasTouch: true })).newPage();
    const queries: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/v1/conversations?')) queries.push(new URL(r.url()).search); });
    await page.goto(`${hub.url}/console`);
    await page.getByLabel('Email').fill(T.email);
    await page.getByLabel('Password').fill(T.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.item', { hasText: 'message 79' }).click();
    await page.locator('.msgs').getByText('message 79', { exact: true }).waitFor();

    // Older messages are prepended; the message the operator looks at does not move.
    const older = page.getByRole('button', { name: 'Load earlier messages' });
    await older.waitFor();
    const earliest = Number((await page.locator('.msgs .m .b').first().textContent())!.split(' ')[1]);
    const anchor = page.locator('.msgs .b', { hasText: new RegExp(`^message ${earliest + 5}$`) });
    await anchor.scrollIntoViewIfNeeded();
    const before = (await anchor.boundingBox())!.y;
    await older.click();
    await page.locator('.msgs .b', { hasText: new RegExp(`^message ${earliest - 1}$`) }).waitFor();
    expect(Math.abs((await anchor.boundingBox())!.y - before)).toBeLessThan(4);

    // Delivery state follows message:status.
    const reply = (await hub.api(`/v1/conversations/${long.conversationId}/messages`, { token: T.accessToken, body: { text: 'On its way' } })).body;
    const sent = page.locator('.msgs .m', { hasText: 'On its way' });
    await sent.waitFor();
    hub.realtime.io.of('/console').to(`c:${long.conversationId}`).emit('message:status', { conversationId: long.conversationId, messageId: reply.id, seq: reply.seq, status: 'read' });
    await sent.locator('.t', { hasText: /· read$/ }).waitFor();

    // What arrives while a conversation is open is read: no unread badge after switching away.
    await long.say('thanks!');
    await page.locator('.msgs').getByText('thanks!').waitFor();
    await page.locator('.item', { hasText: 'a second visitor' }).click();
    await page.locator('.msgs').getByText('a second visitor').waitFor();
    // The list is asked of the server again (filter round trip), whose unread still counts "thanks!".
    const asked = queries.length;
    await page.getByRole('tab', { name: /Open/ }).click();
    await page.getByRole('tab', { name: /All/ }).click();
    await until(() => queries.length >= asked + 2, 5000, 'the list reloaded');
    await page.locator('.item', { hasText: 'thanks!' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.locator('.item', { hasText: 'thanks!' }).locator('.unread').count()).toBe(0);

    // Contact panel: the channel by name, consent neither granted nor refused shown as "not asked".
    await page.getByRole('button', { name: 'Contact details' }).click();
    await page.locator('.contact .chan', { hasText: 'Website · web' }).waitFor();
    expect(await page.locator('.contact .cs.not-asked').count()).toBe(4);
    await screenshot(page, 'console-tablet');
    // The overlay covers the conversation's actions on a tablet: it must close from inside.
    await page.getByRole('button', { name: 'Close contact details' }).click();
    await page.locator('.contact').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Take over' }).waitFor();

    // Filters are server queries, not a slice of one capped list.
    await page.getByRole('tab', { name: /Resolved/ }).click();
    await until(() => queries.some((q) => q.includes('status=resolved')), 5000, 'a status=resolved query');
    await page.getByRole('tab', { name: /Mine/ }).click();
    await until(() => queries.some((q) => q.includes('assignee=me')), 5000, 'an assignee=me query');
    expect(other.conversationId).not.toBe(long.conversationId);
  }, 45_000);
});
