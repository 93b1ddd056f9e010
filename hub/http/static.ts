// The browser side of the hub: /widget.js (CORS *, cached with an ETag, precompressed with brotli
// and gzip so a visitor downloads ~22 KB, not ~60), the operator console at
// /console, and /demo — a shop page that embeds the widget the way a tenant's site would.
// The pages get a strict CSP: scripts only from this origin, no inline script, no framing.
import type { Hono } from 'hono';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { errorBody } from './errors';

const ROOT = join(import.meta.dirname, '..', '..');
const BUILD = join(ROOT, 'public', 'build');

type Encoding = 'br' | 'gzip' | 'identity';
interface Variant { body: Uint8Array; etag: string }
type Asset = Record<Encoding, Variant>;

function newestSource(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the bundles when they are missing or older than their sources (a fresh clone, or an edit). */
export async function ensureAssets(): Promise<void> {
  const outputs = ['widget.js', 'console.js'].map((f) => join(BUILD, f));
  const built = Math.min(...outputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
  const sources = Math.max(...['widget', 'console', 'sdk'].map((d) => newestSource(join(ROOT, d, 'src'))));
  if (built > 0 && built >= sources) return;
  const { buildAssets } = await import('../../scripts/build');
  await buildAssets({ quiet: true });
}

/** Compressed once at first request (max levels: the cost is paid once per process, not per visitor). */
function load(file: string): Asset | null {
  const path = join(BUILD, file);
  if (!existsSync(path)) return null;
  const body = readFileSync(path);
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  // Each encoding is a different representation, so each gets its own ETag.
  return {
    identity: { body, etag: `"${tag}"` },
    gzip: { body: gzipSync(body, { level: 9 }), etag: `"${tag}-gz"` },
    br: { body: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }), etag: `"${tag}-br"` },
  };
}

/** The best encoding the client accepts (q=0 means refused). */
export function pickEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Set((acceptEncoding ?? '').split(',').map((part) => part.trim().toLowerCase()).filter((part) => !/;\s*q=0(\.0*)?$/.test(part)).map((part) => part.split(';')[0]));
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : 'identity';
}

const PAGE_CSP = (hub: string) => [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  `connect-src 'self' ${hub.replace(/^http/, 'ws')}`, "font-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'",
].join('; ');

function pageHeaders(c: { header(k: string, v: string): void }, publicUrl: string) {
  c.header('Content-Security-Policy', PAGE_CSP(publicUrl));
  c.header('X-Frame-Options', 'DENY');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  c.header('Cache-Control', 'no-store');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function registerStaticRoutes(app: Hono<any>, opts: { publicUrl: string; demoWidgetKey?: () => Promise<string | undefined> }): void {
  const assets = new Map<string, Asset | null>();
  const asset = (file: string) => {
    if (!assets.has(file) || !assets.get(file)) assets.set(file, load(file));
    return assets.get(file) ?? null;
  };

  const serveScript = (file: string, cors: boolean) => (c: any) => {
    const a = asset(file);
    if (!a) return c.json(errorBody('not_found', `${file} is not built; run npm run build`), 404);
    const encoding = pickEncoding(c.req.header('accept-encoding'));
    const v = a[encoding];
    if (cors) c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'public, max-age=300, must-revalidate');
    c.header('Vary', 'Accept-Encoding');
    c.header('ETag', v.etag);
    if (c.req.header('if-none-match') === v.etag) return c.body(null, 304);
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    if (encoding !== 'identity') c.header('Content-Encoding', encoding);
    return c.body(v.body);
  };
  app.get('/widget.js', serveScript('widget.js', true));
  app.get('/console.js', serveScript('console.js', false));

  const consolePage = (c: any) => {
    pageHeaders(c, opts.publicUrl);
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Misy console</title><meta name="color-scheme" content="light"></head><body><div id="app"></div><script src="/console.js" defer></script></body></html>`);
  };
  app.get('/console', consolePage);
  app.get('/console/*', consolePage);

  app.get('/demo', async (c: any) => {
    const key = await opts.demoWidgetKey?.();
    if (!key) return c.json(errorBody('not_found', 'no demo tenant on this hub (MISY_SEED_DEMO=false or an external database)'), 404);
    pageHeaders(c, opts.publicUrl);
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Misy Demo Shop</title><link rel="stylesheet" href="/demo.css"></head><body>
<header><strong>Misy Demo Shop</strong><nav><a href="#">Shop</a><a href="#">Shipping</a><a href="#">Returns</a><a href="/console">Operator console</a></nav></header>
<main><section class="hero"><h1>Handmade goods, shipped across the Americas and Spain</h1>
<p>This page embeds the Misy widget exactly as your site would, with one script tag. Open the chat bubble and ask:</p>
<ul><li>“How long does shipping to Mexico take?”</li><li>“¿Puedo devolver un producto?”</li><li>“Which payment methods do you accept?”</li><li>“Can I speak to a person?” — then answer from the console.</li></ul></section>
<section class="grid"><article><h3>Ceramic mug</h3><p>45,000 COP</p></article><article><h3>Wool blanket</h3><p>189,000 COP</p></article><article><h3>Leather notebook</h3><p>72,000 COP</p></article></section></main>
<script src="${escapeHtml(new URL(c.req.url).origin)}/widget.js" data-widget-key="${escapeHtml(key)}" async></script></body></html>`);
  });
  app.get('/demo.css', (c: any) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(`body{margin:0;font:16px/1.5 Georgia,serif;color:#1f2937;background:#fdfbf7}header{display:flex;justify-content:space-between;align-items:center;padding:18px 40px;border-bottom:1px solid #e7e1d6;background:#fff}
nav a{margin-left:22px;color:#7c2d12;text-decoration:none}main{max-width:960px;margin:0 auto;padding:40px}.hero h1{font-size:34px;line-height:1.2;margin:0 0 12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:20px;margin-top:36px}.grid article{background:#fff;border:1px solid #e7e1d6;border-radius:12px;padding:20px;min-height:120px}`);
  });
}
