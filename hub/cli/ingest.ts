// `npm run ingest -- --tenant <slug> <files or folders…>`: adds text, markdown and HTML files to a
// tenant's knowledge base (cleaned, chunked, de-duplicated, embedded), with a progress bar.
// In embedded mode the hub must be stopped (PGlite is single-process); with DATABASE_URL it can run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config';
import { openDatabase } from '../store/database';
import { migrate } from '../store/migrate';
import { ingestDocument } from '../../agents/knowledge/store';
import { embeddingsFor } from '../../agents/providers';

const FORMATS: Record<string, 'text' | 'markdown' | 'html'> = { '.txt': 'text', '.text': 'text', '.md': 'markdown', '.markdown': 'markdown', '.html': 'html', '.htm': 'html' };
const MAX_FILE_BYTES = 1_000_000;

function collect(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new Error(`no such file or folder: ${p}`);
    if (st.isDirectory()) out.push(...collect(readdirSync(p).filter((f) => !f.startsWith('.')).map((f) => join(p, f))));
    else if (FORMATS[extname(p).toLowerCase()]) out.push(p);
  }
  return out.sort();
}

function titleOf(content: string, format: string, file: string): string {
  const h = format === 'markdown' ? content.match(/^#\s+(.+)$/m)?.[1] : format === 'html' ? content.match(/<title[^>]*>([^<]+)<\/title>/i)?.[1] ?? content.match(/<h1[^>]*>([^<]+)<\/h1>/i)?.[1] : undefined;
  return (h ?? basename(file, extname(file))).trim().slice(0, 300);
}

async function main() {
  const { values, positionals } = parseArgs({ options: { tenant: { type: 'string', short: 't' } }, allowPositionals: true });
  if (!values.tenant || !positionals.length) {
    console.error('usage: npm run ingest -- --tenant <slug> <files or folders…>');
    process.exit(2);
  }
  const files = collect(positionals);
  if (!files.length) throw new Error('no .txt, .md or .html files found');
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db.sql);
    const [tenant] = await db.sql<{ id: string; name: string }[]>`select id, name from tenants where slug = ${values.tenant}`;
    if (!tenant) throw new Error(`no tenant with slug '${values.tenant}'`);
    const embeddings = embeddingsFor(config);
    const bar = new cliProgress.SingleBar({ format: 'ingest [{bar}] {value}/{total} {file}', hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(files.length, 0, { file: '' });
    const results = { added: 0, duplicates: 0, skipped: [] as string[], chunks: 0 };
    for (const file of files) {
      bar.increment(0, { file: basename(file) });
      if (statSync(file).size > MAX_FILE_BYTES) { results.skipped.push(`${file} (over 1 MB)`); bar.increment(); continue; }
      const format = FORMATS[extname(file).toLowerCase()];
      const content = readFileSync(file, 'utf8');
      if (!content.trim()) { results.skipped.push(`${file} (empty)`); bar.increment(); continue; }
      const doc = await ingestDocument(db.sql, embeddings, tenant.id, { title: titleOf(content, format, file), content, format, source: basename(file) });
      if (doc.duplicate) results.duplicates++;
      else { results.added++; results.chunks += doc.chunkCount; }
      bar.increment();
    }
    bar.stop();
    console.log(`${tenant.name}: ${results.added} added (${results.chunks} chunks, ${embeddings.model}), ${results.duplicates} already present`);
    for (const s of results.skipped) console.log(`skipped ${s}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exit(1); });
