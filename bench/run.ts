// `npm run bench [-- <name> …]`: runs bench/<name>/run.ts for each name (all when none is given).
import { readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'run.ts'))).map((d) => d.name);
const args = process.argv.slice(2);
const names = args.filter((a) => all.includes(a));
const rest = args.filter((a) => !all.includes(a));
for (const name of names.length ? names : all) {
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, name, 'run.ts'), ...rest], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
