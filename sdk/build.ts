// Builds @misy/sdk for publishing: one ESM file (socket.io-client stays a dependency, not inlined)
// plus .d.ts files from tsc. The monorepo never uses dist: the hub and tests import sdk/src by
// path, and the widget/console builds and tsconfig `paths` point @misy/sdk at the sources.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = dirname(fileURLToPath(import.meta.url));
rmSync(join(SDK, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [join(SDK, 'src', 'index.ts')],
  outfile: join(SDK, 'dist', 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral', // browsers and Node 20+: only fetch, WebCrypto and socket.io-client
  target: ['es2022'],
  external: ['socket.io-client'],
  sourcemap: true,
  logLevel: 'error',
});
execFileSync(process.execPath, [join(SDK, '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(SDK, 'tsconfig.build.json')], { stdio: 'inherit' });
console.log('sdk      dist/index.js + .d.ts');
