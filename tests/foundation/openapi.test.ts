// The OpenAPI document is valid 3.1, lists every route the app serves, and /docs renders it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
beforeAll(async () => { hub = await startTestHub(); });
afterAll(() => hub?.stop());

describe('/v1/openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    const doc = (await hub.api('/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every /v1 route the app serves', async () => {
    const doc = (await hub.api('/v1/openapi.json')).body;
    const documented = new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)));
    const served = hub.app.routes
      .filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL' && r.method !== 'OPTIONS' && r.path !== '/v1/openapi.json' && !r.path.includes('*'))
      .map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(30);
    for (const r of served) expect(documented, r).toContain(r);
  });

  it('lists the responses each route can really give', async () => {
    const doc = (await hub.api('/v1/openapi.json')).body;
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(statuses('/healthz', 'get')).toEqual(['200']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
    expect(statuses('/v1/conversations', 'post')).toEqual(['201', '400', '401', '403', '404', '409', '413']);
    expect(statuses('/v1/conversations', 'get')).toEqual(['200', '400', '401', '403']);
    expect(statuses('/v1/conversations/{id}', 'get')).toEqual(['200', '400', '401', '403', '404']);
    expect(statuses('/v1/auth/login', 'post')).toEqual(['200', '400', '401', '413', '429']);
    expect(statuses('/v1/operators/{id}', 'patch')).toContain('409');
    // What the document promises, the hub does: a readiness failure is a 503 with the same body shape.
    expect(doc.paths['/readyz'].get.responses['503'].content['application/json'].schema).toEqual(doc.paths['/readyz'].get.responses['200'].content['application/json'].schema);
  });

  it('/docs serves the reference UI from our own origin', async () => {
    const res = await fetch(`${hub.url}/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/docs/scalar.js');
    expect(html).toContain('/v1/openapi.json');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const js = await fetch(`${hub.url}/docs/scalar.js`);
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
