// The global store: question/answer pairs learned across tenants, anonymized. Contributions come
// only from tenants that opted in (`globalStore.contribute`) and contacts whose current `learning`
// consent is granted; personal data is redacted and pairs that redaction leaves meaningless are
// dropped. Rows carry no tenant or contact id — only keyed hashes of contributing tenants, used to
// serve an entry only once at least k distinct tenants contributed it. The table is not granted to
// the tenant role: only this module, on the system connection, reads or writes it.
import { createHmac } from 'node:crypto';
import type { HubContext } from '../../hub/context';
import type { EmbeddingProvider } from '../providers/types';
import type { Message } from '../../sdk/src/types';
import { withTenant } from '../../hub/store/tenant';
import { currentConsents } from '../../hub/domain/contacts';
import { listMessages } from '../../hub/domain/messages';
import { deriveKey } from '../../hub/security/secret-box';
import { contentHash } from '../providers/local/embeddings';
import { toVector } from '../knowledge/store';
import { redact } from '../privacy/redact';
import { REFUSAL } from '../runtime/guardrails';

/** An agent reply that hands off or refuses teaches nothing: only operators' and grounded agent answers count. */
function isAnswer(m: Message): boolean {
  if (m.direction !== 'out' || !m.text.trim()) return false;
  if (m.sender.type === 'operator') return true;
  if (m.sender.type !== 'agent') return false;
  return !m.meta?.handoff && !Object.values(REFUSAL).includes(m.text.trim() as never);
}

/** Questions this close (cosine) to an existing entry count as the same entry. */
const SAME_ENTRY = 0.9;
const MAX_PAIRS_PER_CONVERSATION = 20;

export interface GlobalEntry { id: string; question: string; answer: string; contributors: number; createdAt: string; updatedAt: string }
export interface GlobalHit { question: string; answer: string; similarity: number }

function contributorHash(secret: string, tenantId: string): string {
  return createHmac('sha256', deriveKey(secret, 'misy:global-contributors:v1')).update(tenantId).digest('hex');
}

/** Question → answer pairs: each contact message with the business's next reply. */
export function extractPairs(messages: Message[]): { question: string; answer: string }[] {
  const pairs: { question: string; answer: string }[] = [];
  for (let i = 0; i < messages.length; i++) {
    const q = messages[i];
    if (q.direction !== 'in' || !q.text.trim()) continue;
    const a = messages.slice(i + 1).find(isAnswer);
    if (a && !messages.slice(i + 1, messages.indexOf(a)).some((m) => m.direction === 'in')) pairs.push({ question: q.text, answer: a.text });
  }
  return pairs.slice(0, MAX_PAIRS_PER_CONVERSATION);
}

export type ContributionResult = { contributed: number; skipped?: 'tenant_not_opted_in' | 'no_learning_consent' };

export async function contributeConversation(ctx: HubContext, embeddings: EmbeddingProvider, tenantId: string, conversationId: string): Promise<ContributionResult> {
  const source = await withTenant(ctx.sql, tenantId, async (tx) => {
    const [t] = await tx<{ settings: { globalStore?: { contribute?: boolean } } }[]>`select settings from tenants where id = ${tenantId}`;
    if (!t?.settings.globalStore?.contribute) return { skipped: 'tenant_not_opted_in' as const };
    const [conv] = await tx<{ contact_id: string }[]>`select contact_id from conversations where id = ${conversationId}`;
    if (!conv) return { skipped: 'no_learning_consent' as const };
    if (!(await currentConsents(tx, conv.contact_id)).learning) return { skipped: 'no_learning_consent' as const };
    const messages = await listMessages(tx, conversationId, { afterSeq: 0, limit: 500 });
    const [contact] = await tx<{ name: string | null; email: string | null }[]>`select name, email from contacts where id = ${conv.contact_id}`;
    const operators = await tx<{ name: string | null }[]>`select name from operators`;
    // The business itself is identifying too: its name, slug and the domains its widget runs on.
    const [tenant] = await tx<{ name: string; slug: string }[]>`select name, slug from tenants where id = ${tenantId}`;
    const channels = await tx<{ config: { allowedOrigins?: string[] } }[]>`select config from channels`;
    const domains = channels.flatMap((c) => c.config?.allowedOrigins ?? []).map((o) => { try { return new URL(o).hostname; } catch { return ''; } })
      .filter((h) => h && h !== 'localhost' && !/^[\d.]+$/.test(h));
    const names = [contact?.name, ...operators.map((o) => o.name), ...messages.map((m) => m.sender.name), tenant?.name, tenant?.slug, ...domains]
      .filter((n): n is string => !!n);
    return { messages, names };
  });
  if ('skipped' in source) return { contributed: 0, skipped: source.skipped };

  const who = contributorHash(ctx.config.secret, tenantId);
  let contributed = 0;
  for (const pair of extractPairs(source.messages)) {
    const q = redact(pair.question, { names: source.names });
    const a = redact(pair.answer, { names: source.names });
    if (!q.meaningful || !a.meaningful) continue;
    const [vector] = await embeddings.embed([q.text]);
    await ctx.sql.begin(async (tx) => {
      await tx.unsafe(`set local hnsw.iterative_scan = relaxed_order`);
      const [near] = await tx<{ id: string; similarity: number }[]>`
        select id, (1 - (embedding <=> ${toVector(vector)}::vector))::float8 as similarity from global_entries
        order by embedding <=> ${toVector(vector)}::vector limit 1`;
      if (near && near.similarity >= SAME_ENTRY) {
        await tx`update global_entries set contributor_hashes = array_append(contributor_hashes, ${who}), updated_at = now()
                 where id = ${near.id} and not (${who} = any(contributor_hashes))`;
      } else {
        await tx`insert into global_entries (question, answer, content_hash, embedding, embedding_model, contributor_hashes)
                 values (${q.text}, ${a.text}, ${contentHash(`${q.text}\n${a.text}`)}, ${toVector(vector)}::vector, ${embeddings.model}, ${[who]})
                 on conflict (content_hash) do update set
                   contributor_hashes = case when ${who} = any(global_entries.contributor_hashes) then global_entries.contributor_hashes
                                             else array_append(global_entries.contributor_hashes, ${who}) end,
                   updated_at = now()`;
      }
    });
    contributed++;
  }
  return { contributed };
}

/** Entries at least k distinct tenants contributed, nearest first. */
export async function consultGlobal(ctx: HubContext, embeddings: EmbeddingProvider, query: string, k = 3): Promise<GlobalHit[]> {
  const [vector] = await embeddings.embed([query]);
  return ctx.sql.begin(async (tx) => {
    await tx.unsafe(`set local hnsw.iterative_scan = relaxed_order`);
    return tx<GlobalHit[]>`
      select question, answer, (1 - (embedding <=> ${toVector(vector)}::vector))::float8 as similarity from global_entries
      where cardinality(contributor_hashes) >= ${ctx.config.globalMinTenants}
      order by embedding <=> ${toVector(vector)}::vector limit ${k}`;
  });
}

export async function listGlobal(ctx: HubContext, opts: { limit: number; minContributors?: number }): Promise<GlobalEntry[]> {
  const rows = await ctx.sql<{ id: string; question: string; answer: string; contributors: number; created_at: Date; updated_at: Date }[]>`
    select id, question, answer, cardinality(contributor_hashes) as contributors, created_at, updated_at from global_entries
    where cardinality(contributor_hashes) >= ${opts.minContributors ?? 0}
    order by updated_at desc limit ${opts.limit}`;
  return rows.map((r) => ({ id: r.id, question: r.question, answer: r.answer, contributors: r.contributors, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }));
}

export async function deleteGlobal(ctx: HubContext, id: string): Promise<boolean> {
  return (await ctx.sql`delete from global_entries where id = ${id} returning id`).length > 0;
}
