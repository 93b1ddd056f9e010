// `npm run reembed`: re-embeds every knowledge chunk, contact memory and global entry stored with another embedding
// model than the configured one (run it after changing MISY_EMBEDDING_MODEL or OPENAI_API_KEY).
import cliProgress from 'cli-progress';
import { loadConfig } from '../config';
import { openDatabase } from '../store/database';
import { migrate } from '../store/migrate';
import { reembedAll } from '../../agents/knowledge/store';
import { embeddingsFor } from '../../agents/providers';

async function main() {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db.sql);
    const embeddings = embeddingsFor(config);
    const bar = new cliProgress.SingleBar({ format: 're-embed [{bar}] {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    const n = await reembedAll(db.sql, embeddings, (done, total) => {
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
    });
    if (started) bar.stop();
    console.log(n ? `re-embedded ${n} rows with ${embeddings.model}` : `everything is already embedded with ${embeddings.model}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exit(1); });
