// Offline agent quality on the demo knowledge, exactly as the product runs it: hybrid search
// (pgvector HNSW + full text, RRF) over the seeded documents, then the local responder.
// Reports top-3 retrieval hit rate, correct-handoff and false-handoff rates, next to
// single-signal baselines (vector only, full text only) measured in the same run.
// Two sets: questions.json (the development set the responder was built against) and heldout.json
// (paraphrases written apart from the synonym lists and the scoring, never tuned on). Both must meet
// the targets. A Spanish question counts as a hit only on a Spanish document when the topic has one.
// Usage: npm run bench -- retrieval [--verbose]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbedded } from '../../hub/store/database';
import { migrate } from '../../hub/store/migrate';
import { withTenant } from '../../hub/store/tenant';
import { ingestDocument, searchKnowledge, toTsQuery, toVector } from '../../agents/knowledge/store';
import { createLocalEmbeddings, embedLocal } from '../../agents/providers/local/embeddings';
import { respondLocally } from '../../agents/providers/local/responder';
import { detectLanguage } from '../../agents/language';

const verbose = process.argv.includes('--verbose');
// --min-confidence 0.4 tries another handoff threshold (the product default is DEFAULT_MIN_CONFIDENCE).
const minConfidence = Number(process.argv[process.argv.indexOf('--min-confidence') + 1]) || undefined;
const here = import.meta.dirname;
type QuestionSet = { inScope: { q: string; docs: string[] }[]; outOfScope: string[] };
const sets: [string, QuestionSet][] = [['development set (questions.json)', 'questions.json'], ['HELD-OUT set (heldout.json)', 'heldout.json']]
  .map(([label, file]) => [label, JSON.parse(readFileSync(join(here, file), 'utf8')) as QuestionSet]);
const TARGETS = { hit: 0.9, handoff: 0.9, falseHandoff: 0.1 };

const dir = mkdtempSync(join(tmpdir(), 'misy-bench-retrieval-'));
const db = await openEmbedded(join(dir, 'pgdata'));
try {
  await migrate(db.sql);
  const [t] = await db.sql<{ id: string }[]>`insert into tenants (name, slug) values ('Demo', 'demo') returning id`;
  const embeddings = createLocalEmbeddings();
  const kdir = join(here, '..', '..', 'hub', 'seed', 'knowledge');
  const docLanguage = new Map<string, string>();
  for (const f of readdirSync(kdir).filter((x) => x.endsWith('.md'))) {
    const content = readFileSync(join(kdir, f), 'utf8');
    const title = content.match(/^#\s+(.+)$/m)![1];
    docLanguage.set(title, detectLanguage(content));
    await ingestDocument(db.sql, embeddings, t.id, { title, content, format: 'markdown' });
  }
  /** The documents that count as right for a question: for a Spanish question, the Spanish ones when any is listed. */
  const expected = (q: string, docs: string[]) => {
    const lang = detectLanguage(q);
    const same = docs.filter((d) => docLanguage.get(d) === lang);
    return lang === 'es' && same.length ? same : docs;
  };

  const vectorOnly = (q: string) => withTenant(db.sql, t.id, (tx) => tx<{ title: string }[]>`
    select d.title from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
    order by c.embedding <=> ${toVector(embedLocal(q))}::vector limit 3`);
  const textOnly = (q: string) => { const tsq = toTsQuery(q); return tsq ? withTenant(db.sql, t.id, (tx) => tx<{ title: string }[]>`
    select d.title from knowledge_chunks c join knowledge_documents d on d.id = c.document_id, to_tsquery('simple', ${tsq}) q
    where c.tsv @@ q order by ts_rank_cd(c.tsv, q) desc limit 3`) : Promise.resolve([]); };

  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const [label, set] of sets) {
    let hits = 0, vHits = 0, tHits = 0, answeredRight = 0, falseHandoffs = 0, handoffs = 0;
    for (const { q, docs: listed } of set.inScope) {
      const docs = expected(q, listed);
      const found = await searchKnowledge(db.sql, embeddings, t.id, q, { k: 4 });
      const top3 = found.slice(0, 3).map((h) => h.title);
      const hit = top3.some((d) => docs.includes(d));
      hits += +hit;
      vHits += +(await vectorOnly(q)).some((r) => docs.includes(r.title));
      tHits += +(await textOnly(q)).some((r) => docs.includes(r.title));
      const reply = respondLocally({ question: q, passages: found.map((h) => ({ title: h.title, source: h.source, content: h.content, similarity: h.similarity })), minConfidence });
      if (reply.kind === 'handoff') falseHandoffs++;
      const right = reply.kind === 'answer' && docs.includes(reply.sources[0].title);
      answeredRight += +right;
      if (verbose && (!hit || !right)) console.log(`  ✗ ${q}\n      top3: ${top3.join(' | ')}\n      reply: ${reply.kind === 'answer' ? reply.sources[0].title : reply.kind} (${reply.confidence.toFixed(3)}) — ${reply.text.slice(0, 140).replace(/\n/g, ' ')}`);
    }
    for (const q of set.outOfScope) {
      const found = await searchKnowledge(db.sql, embeddings, t.id, q, { k: 4 });
      const reply = respondLocally({ question: q, passages: found.map((h) => ({ title: h.title, source: h.source, content: h.content, similarity: h.similarity })), minConfidence });
      handoffs += +(reply.kind === 'handoff');
      if (verbose && reply.kind !== 'handoff') console.log(`  ✗ (should hand off) ${q}\n      reply (${reply.confidence.toFixed(3)}): ${reply.text.slice(0, 140).replace(/\n/g, ' ')}`);
    }
    const n = set.inScope.length, m = set.outOfScope.length;
    const results = { hit: hits / n, handoff: handoffs / m, falseHandoff: falseHandoffs / n };
    console.log(`\n${label}: ${n} in-scope questions (English and Spanish), ${m} out-of-scope`);
    console.log(`  top-3 retrieval hit rate, hybrid (RRF)        ${pct(results.hit).padStart(7)}   target ≥ ${pct(TARGETS.hit)}`);
    console.log(`    baseline: vector only                       ${pct(vHits / n).padStart(7)}`);
    console.log(`    baseline: full text only                    ${pct(tHits / n).padStart(7)}`);
    console.log(`  answered from the expected document           ${pct(answeredRight / n).padStart(7)}`);
    console.log(`  correct handoffs (out of scope)               ${pct(results.handoff).padStart(7)}   target ≥ ${pct(TARGETS.handoff)}`);
    console.log(`  false handoffs (in scope)                     ${pct(results.falseHandoff).padStart(7)}   target ≤ ${pct(TARGETS.falseHandoff)}`);
    const missed = results.hit < TARGETS.hit || results.handoff < TARGETS.handoff || results.falseHandoff > TARGETS.falseHandoff;
    if (missed) { console.log('  TARGET MISSED'); process.exitCode = 1; }
  }
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
