// Real headless Chromium (Debian's, never a downloaded one) and a host page served from another
// origin, the way a tenant's website embeds the widget.
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './process';

export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface HostPage { url: string; origin: string; close(): Promise<void> }

/** A shop page on its own origin whose CSS is hostile to anything it does not own. */
export async function serveHostPage(hubUrl: string, widgetKey: string, extraHead = ''): Promise<HostPage> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Host shop</title>
<style>button{color:red!important;background:yellow!important;font-size:40px!important} div{border:3px solid lime} *{font-family:"Comic Sans MS",cursive}</style>${extraHead}</head>
<body><h1>Acme host shop</h1><p>Products and prices.</p>
<script src="${hubUrl}/widget.js" data-widget-key="${widgetKey}" async></script></body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url: `${origin}/`, origin, close: () => new Promise((r) => server.close(() => r())) };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
