// Builds the browser bundles with esbuild into public/build: the widget (one async script),
// the console and the SDK's browser build. Prints each bundle's gzipped size and fails when
// the widget exceeds its budget, so a heavy dependency can never slip in unnoticed.
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'public', 'build');
export const WIDGET_BUDGET_GZIP = 25 * 1024;

interface Bundle { name: string; entry: string; out: string; format: 'iife' | 'esm'; budget?: number; lean?: boolean }

/**
 * The widget's weight cuts, applied to its bundle only (the console and the SDK keep the stock
 * modules): engine.io's transport table without WebTransport (the hub does not serve it), and
 * a JSON-only socket.io parser instead of the binary-capable one.
 */
const leanRealtime: Plugin = {
  name: 'lean-realtime',
  setup(b) {
    b.onLoad({ filter: /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/ }, (args) => ({
      contents: 'import { WS } from "./websocket.js"; import { XHR } from "./polling-xhr.js"; export const transports = { websocket: WS, polling: XHR };',
      resolveDir: dirname(args.path),
    }));
  },
};

const BUNDLES: Bundle[] = [
  { name: 'widget', entry: 'widget/src/main.tsx', out: 'widget.js', format: 'iife', budget: WIDGET_BUDGET_GZIP, lean: true },
  { name: 'console', entry: 'console/src/main.tsx', out: 'console.js', format: 'iife' },
  { name: 'sdk', entry: 'sdk/src/index.ts', out: 'sdk.js', format: 'esm' },
];

export interface BuiltBundle { name: string; file: string; bytes: number; gzip: number; budget?: number }

export async function buildAssets(opts: { quiet?: boolean } = {}): Promise<BuiltBundle[]> {
  mkdirSync(OUT_DIR, { recursive: true });
  const results: BuiltBundle[] = [];
  for (const b of BUNDLES) {
    const entry = join(ROOT, b.entry);
    if (!existsSync(entry)) continue;
    const file = join(OUT_DIR, b.out);
    const options: BuildOptions = {
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      minify: true,
      format: b.format,
      target: ['es2022'],
      platform: 'browser',
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
      alias: { '@misy/sdk': join(ROOT, 'sdk/src/index.ts'), ...(b.lean ? { 'socket.io-parser': join(ROOT, 'widget/src/socketio-json-parser.ts') } : {}) },
      // No mangleProps: socket.io-client calls some private methods by quoted name (`io["_destroy"]`),
      // so renaming `_props` breaks it for ~300 bytes of gain.
      ...(b.lean ? { plugins: [leanRealtime] } : {}),
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'error',
    };
    await build(options);
    const bytes = readFileSync(file);
    const built = { name: b.name, file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, budget: b.budget };
    results.push(built);
    if (!opts.quiet) {
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      console.log(`${b.name.padEnd(8)} ${kb(built.bytes).padStart(9)}  gzip ${kb(built.gzip).padStart(8)}${b.budget ? `  (budget ${kb(b.budget)})` : ''}`);
    }
    if (b.budget && built.gzip > b.budget) {
      throw new Error(`${b.name} bundle is ${built.gzip} bytes gzipped, over its ${b.budget}-byte budget`);
    }
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildAssets().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exit(1); });
}
