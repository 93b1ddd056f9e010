// HTTP hardening: strict CSP and security headers on /console, /demo and /docs (no inline script
// allowed except the docs bootstrap, by hash), HSTS behind an https PUBLIC_URL, a widget preflight
// that answers CORS only for allow-listed origins, and an ingress body cap enforced while streaming.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { startTestHub, type TestHub } from '../support/hub';
import { SHOP_ORIGIN } from '../support/realtime';
import { rowCounts } from '../support/counts';
import { signMisy } from '../../hub/security/signatures';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ MISY_SEED_DEMO: 'true', PUBLIC_URL: 'https://misy.example.test' }, { seedKnowledge: async () => {} });
});
afterAll(() => hub?.stop());

function scriptSrc(csp: string): string {
  return csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
}

describe('security headers', () => {
  it.each(['/console', '/demo', '/docs'])('%s has a strict CSP and the security headers', async (path) => {
    const res = await fetch(hub.url + path);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(scriptSrc(csp)).toMatch(/^script-src 'self'/);
    expect(scriptSrc(csp)).not.toContain('unsafe-inline');
    expect(scriptSrc(csp)).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
    // Every inline script the page carries is allowed by its hash, and nothing else inline.
    const html = await res.text();
    for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
      expect(scriptSrc(csp)).toContain(`'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
    }
  });

  it('no HSTS when PUBLIC_URL is plain http', async () => {
    const plain = await startTestHub();
    try {
      expect((await fetch(plain.url + '/healthz')).headers.get('strict-transport-security')).toBeNull();
    } finally {
      await plain.stop();
    }
  });
});

describe('widget session preflight', () => {
  const preflight = (origin: string) => fetch(hub.url + '/v1/widget/session', {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

  it('an origin on no web channel gets no CORS grant', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('an origin on an enabled web channel is granted', async () => {
    const channel = await hub.api(`/v1/channels/${hub.demo!.channelId}`, { token: hub.demo!.apiKey });
    const origins = [...(channel.body.config.allowedOrigins as string[]), SHOP_ORIGIN];
    expect((await hub.api(`/v1/channels/${hub.demo!.channelId}`, { method: 'PATCH', token: hub.demo!.apiKey, body: { config: { ...channel.body.config, allowedOrigins: origins } } })).status).toBe(200);
    const res = await preflight(SHOP_ORIGIN);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    // Disabled channels grant nothing.
    expect((await hub.api(`/v1/channels/${hub.demo!.channelId}`, { method: 'PATCH', token: hub.demo!.apiKey, body: { enabled: false } })).status).toBe(200);
    expect((await preflight(SHOP_ORIGIN)).headers.get('access-control-allow-origin')).toBeNull();
    await hub.api(`/v1/channels/${hub.demo!.channelId}`, { method: 'PATCH', token: hub.demo!.apiKey, body: { enabled: true } });
  });
});

describe('ingress body cap', () => {
  it('a chunked body over the cap (no Content-Length) is refused with 413 while streaming, nothing stored', async () => {
    const ch = await hub.api('/v1/channels', { token: hub.demo!.apiKey, body: { type: 'api', name: 'Backend', config: {} } });
    expect(ch.status).toBe(201);
    const piece = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 64 MiB if nobody stops reading: far more than the cap, and than a test should ever buffer.
        if (sent >= 1024) return controller.close();
        sent++;
        controller.enqueue(piece);
      },
    });
    const before = await rowCounts(hub.ctx.sql);
    const headers = { 'content-type': 'application/json', ...signMisy(ch.body.generatedSecrets.secret, 'irrelevant', Math.floor(Date.now() / 1000)) };
    const res = await fetch(`${hub.url}/webhooks/api/${ch.body.id}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    expect(sent).toBeLessThan(1024);
    expect(await rowCounts(hub.ctx.sql)).toEqual(before);
  });
});
