// Every public ingress route: a missing, forged or old-timestamp signature is 401 and the
// database is unchanged; random and malformed input never stores anything nor causes a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestHub, createTenantViaApi, type TestHub } from '../support/hub';
import { rowCounts } from '../support/counts';
import { signMisy } from '../../hub/security/signatures';

let hub: TestHub;
let channelId: string;
let secret: string;

beforeAll(async () => {
  hub = await startTestHub();
  const t = await createTenantViaApi(hub);
  const ch = await hub.api('/v1/channels', { token: t.apiKey, body: { type: 'api', name: 'Backend', config: {} } });
  channelId = ch.body.id;
  secret = ch.body.generatedSecrets.secret;
});
afterAll(() => hub?.stop());

const body = JSON.stringify({ type: 'message', id: 'ext-1', from: { id: 'cust-1', name: 'Carla' }, text: 'I need help' });
/** The replay guard records each accepted signature; compare everything else. */
const withoutReplayRecords = (counts: Record<string, number>) => { const { ingress_signatures: _, ...rest } = counts; return rest; };
const nowS = () => Math.floor(Date.now() / 1000);
const post = (path: string, raw: string, headers: Record<string, string>) => hub.api(path, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });

describe('POST /webhooks/api/{channelId}', () => {
  const bad: [string, () => Record<string, string>][] = [
    ['missing signature', () => ({})],
    ['missing timestamp', () => ({ 'x-misy-signature': signMisy(secret, body, nowS())['X-Misy-Signature'] })],
    ['forged signature', () => ({ ...signMisy('not-the-secret', body, nowS()) })],
    ['signature of another body', () => ({ ...signMisy(secret, body.replace('help', 'money'), nowS()) })],
    ['timestamp older than 5 minutes', () => ({ ...signMisy(secret, body, nowS() - 301) })],
    ['garbage header', () => ({ 'x-misy-timestamp': String(nowS()), 'x-misy-signature': 'v1=zz' })],
  ];
  it.each(bad)('%s → 401, nothing stored', async (_name, headers) => {
    const before = await rowCounts(hub.ctx.sql);
    const res = await post(`/webhooks/api/${channelId}`, body, headers());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect(await rowCounts(hub.ctx.sql)).toEqual(before);
  });

  it('an unknown channel looks like a bad signature', async () => {
    const res = await post('/webhooks/api/00000000-0000-4000-8000-000000000000', body, signMisy(secret, body, nowS()));
    expect(res.status).toBe(401);
    expect((await post('/webhooks/api/not-a-uuid', body, signMisy(secret, body, nowS()))).status).toBe(401);
  });

  it('a valid signature is accepted once; a re-signed retry of the same id is a duplicate', async () => {
    const first = await post(`/webhooks/api/${channelId}`, body, signMisy(secret, body, nowS()));
    expect(first.status).toBe(202);
    const before = withoutReplayRecords(await rowCounts(hub.ctx.sql));
    const again = await post(`/webhooks/api/${channelId}`, body, signMisy(secret, body, nowS() - 30));
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', messageId: first.body.messageId });
    expect(withoutReplayRecords(await rowCounts(hub.ctx.sql))).toEqual(before);
  });

  it('the same still-fresh signed request sent twice is a replay: 401 replayed, nothing stored', async () => {
    const raw = JSON.stringify({ type: 'message', id: 'ext-replay', from: { id: 'cust-2' }, text: 'pay me' });
    const headers = signMisy(secret, raw, nowS());
    expect((await post(`/webhooks/api/${channelId}`, raw, headers)).status).toBe(202);
    const before = await rowCounts(hub.ctx.sql);
    const replay = await post(`/webhooks/api/${channelId}`, raw, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('replayed');
    expect(await rowCounts(hub.ctx.sql)).toEqual(before);
  });

  it('replays are refused across two hubs sharing Redis', async () => {
    const redisEnv = { REDIS_URL: 'redis://127.0.0.1:6379' };
    const a = await startTestHub(redisEnv);
    const b = await startTestHub(redisEnv);
    try {
      // Same channel on both: the signature a saw must be refused by b, whose database differs.
      const ta = await createTenantViaApi(a);
      const ch = await a.api('/v1/channels', { token: ta.apiKey, body: { type: 'api', name: 'Backend', config: {} } });
      const raw = JSON.stringify({ type: 'message', id: `r-${Date.now()}`, from: { id: 'c' }, text: 'once' });
      const headers = { 'content-type': 'application/json', ...signMisy(ch.body.generatedSecrets.secret, raw, nowS()) };
      expect((await a.api(`/webhooks/api/${ch.body.id}`, { method: 'POST', body: raw, headers })).status).toBe(202);
      expect((await a.api(`/webhooks/api/${ch.body.id}`, { method: 'POST', body: raw, headers })).body.error.code).toBe('replayed');
      // b shares Redis: a claim for the same channel and signature is not first.
      expect((await b.ctx.replay.claim(ch.body.id, headers['X-Misy-Signature'])).first).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('signed but invalid payloads are 4xx and store nothing', async () => {
    for (const raw of ['{"type":"message"}', 'not json', '{"type":"message","id":"x","from":{"id":"y"},"text":""}', JSON.stringify({ type: 'message', id: 'big', from: { id: 'z' }, text: 'x'.repeat(5000) })]) {
      const before = await rowCounts(hub.ctx.sql);
      const res = await post(`/webhooks/api/${channelId}`, raw, signMisy(secret, raw, nowS()));
      expect(res.status, raw.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await rowCounts(hub.ctx.sql)).toEqual(before);
    }
    const huge = 'x'.repeat(300 * 1024);
    expect((await post(`/webhooks/api/${channelId}`, huge, signMisy(secret, huge, nowS()))).status).toBe(413);
  });

  it('property: random bodies, signed or not, never 5xx; unsigned ones never store', async () => {
    await fc.assert(fc.asyncProperty(
      fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ unit: 'binary', maxLength: 400 }),
        fc.record({ type: fc.constant('message'), id: fc.string({ maxLength: 310 }), from: fc.record({ id: fc.string({ maxLength: 50 }) }), text: fc.string({ unit: 'grapheme', maxLength: 200 }) }).map((v) => JSON.stringify(v))),
      fc.boolean(),
      async (raw, signed) => {
        const before = signed ? null : await rowCounts(hub.ctx.sql);
        const res = await post(`/webhooks/api/${channelId}`, raw, signed ? signMisy(secret, raw, nowS()) : { 'x-misy-timestamp': String(nowS()), 'x-misy-signature': 'v1=' + 'a'.repeat(64) });
        expect(res.status).toBeLessThan(500);
        if (!signed) {
          expect(res.status).toBe(401);
          expect(await rowCounts(hub.ctx.sql)).toEqual(before);
        }
      }), { numRuns: 150 });
    expect((await hub.api('/healthz')).status).toBe(200);
  });
});
