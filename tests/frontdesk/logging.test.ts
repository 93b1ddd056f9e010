// Logs never contain secrets or message text, at any depth: requests carrying a password, channel
// secrets, a signed message and failing webhook deliveries are driven through a hub whose log
// output is captured, plus a deliberately careless log call with a nested job payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { until } from '../support/realtime';
import { signMisy } from '../../hub/security/signatures';

const lines: string[] = [];
let hub: TestHub;
let failing: Server;
let failingUrl = '';

const MESSAGE_TEXT = 'my card number is 4111 1111 1111 1111';
const APP_SECRET = 'meta-app-secret-do-not-log-7f3a';
const SMTP_PASS = 'smtp-password-do-not-log-91c2';

beforeAll(async () => {
  failing = createServer((_req, res) => { res.writeHead(500); res.end(); });
  await new Promise<void>((r) => failing.listen(0, '127.0.0.1', () => r()));
  failingUrl = `http://127.0.0.1:${(failing.address() as { port: number }).port}/hook`;
  hub = await startTestHub({ LOG_LEVEL: 'trace' }, { logDestination: { write: (s: string) => { lines.push(s); } } });
});
afterAll(async () => { await hub?.stop(); await new Promise((r) => failing?.close(r)); });

describe('structured logs', () => {
  it('carry neither secrets nor message text', async () => {
    const t = await createTenantViaApi(hub);
    expect((await hub.api('/v1/auth/login', { body: { email: t.email, password: 'wrong-password-do-not-log' } })).status).toBe(401);
    const wa = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'whatsapp', name: 'WA', config: { phoneNumberId: '123', accessToken: 'EAAG-do-not-log', appSecret: APP_SECRET, verifyToken: 'verify-do-not-log' } } });
    expect(wa.status).toBe(201);
    expect((await hub.api('/v1/webhooks', { token: t.apiKey, body: { url: failingUrl, events: ['message.received'] } })).status).toBe(201);
    const api = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: { webhookUrl: failingUrl } } });
    const secret: string = api.body.generatedSecrets.secret;
    const body = JSON.stringify({ type: 'message', id: 'log-1', from: { id: 'c-1', name: 'Camila Restrepo' }, text: MESSAGE_TEXT });
    const res = await hub.api(`/webhooks/api/${api.body.id}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signMisy(secret, body, Math.floor(Date.now() / 1000)) } });
    expect(res.status).toBe(202);
    // The webhook delivery fails and is retried: the worker logs it.
    await until(() => lines.some((l) => l.includes('"job retry"') || l.includes('job retry')), 15_000, 'a logged job retry');

    // A careless log call with whole objects, nested deeper than one level.
    hub.ctx.log.info({ job: { payload: { event: { data: { message: { text: MESSAGE_TEXT, sender: { name: 'Camila Restrepo' } } } } } },
      channel: { config: { smtp: { host: 'smtp.example', pass: SMTP_PASS } }, secrets: { appSecret: APP_SECRET } },
      req: { headers: { authorization: `Bearer ${t.apiKey}`, 'x-misy-signature': 'v1=deadbeef' } } }, 'careless');

    const out = lines.join('');
    expect(out).toContain('careless');
    expect(out).toContain('[redacted]');
    for (const needle of [MESSAGE_TEXT, '4111 1111', APP_SECRET, SMTP_PASS, 'EAAG-do-not-log', 'verify-do-not-log', secret, t.apiKey, t.password,
      'wrong-password-do-not-log', 'Camila Restrepo', 'v1=deadbeef']) {
      expect(out, `"${needle}" was logged`).not.toContain(needle);
    }
  }, 30_000);
});
