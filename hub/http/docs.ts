// The API reference UI at /docs (Scalar), served from our own origin so Misy runs offline.
// Scalar's page boots with one small inline script; instead of allowing every inline script
// ('unsafe-inline'), the CSP names that script by its SHA-256, computed from the page we serve.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Scalar } from '@scalar/hono-api-reference';
import { createHash } from 'node:crypto';
import type { Env } from './principal';

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/** CSP source expressions for every inline <script> of `html`. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)].map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}

export function docsCsp(scriptHashes: string[]): string {
  return [
    "default-src 'self'", `script-src 'self' ${scriptHashes.join(' ')}`.trim(),
    // Scalar injects its theme as <style> elements at run time.
    "style-src 'self' 'unsafe-inline'", "font-src 'self' data:", "img-src 'self' data:", "connect-src 'self'",
    "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'",
  ].join('; ');
}

export function registerDocsRoutes(app: OpenAPIHono<Env>): void {
  const reference = Scalar<Env>({ url: '/v1/openapi.json', pageTitle: 'Misy API', cdn: '/docs/scalar.js', withDefaultFonts: false });
  let page: { html: string; csp: string } | null = null;

  app.get('/docs', async (c: Context<Env>) => {
    if (!page) {
      // The page depends only on the options above: render once, hash once.
      const rendered = await reference(c, async () => {});
      const html = rendered instanceof Response ? await rendered.text() : '';
      page = { html, csp: docsCsp(inlineScriptHashes(html)) };
    }
    c.header('Content-Security-Policy', page.csp);
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', 'no-store');
    return c.html(page.html);
  });
  app.get('/docs/scalar.js', async (c) => {
    c.header('Cache-Control', 'public, max-age=86400');
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    return c.body(new Uint8Array(await scalarBundle()));
  });
}

let scalarCache: Buffer | null = null;
async function scalarBundle(): Promise<Buffer> {
  if (!scalarCache) {
    const { readFile } = await import('node:fs/promises');
    const { createRequire } = await import('node:module');
    const path = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
    scalarCache = await readFile(path);
  }
  return scalarCache;
}
