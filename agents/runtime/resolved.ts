// After a conversation resolves (a durable job): a short summary goes into the contact's memory
// for next time, and — only with the tenant's opt-in and the contact's `learning` consent —
// anonymized question/answer pairs go to the global store.
import type { HubContext } from '../../hub/context';
import type { JobRow } from '../../hub/jobs/queue';
import { withTenant } from '../../hub/store/tenant';
import { listMessages } from '../../hub/domain/messages';
import { embeddingsFor } from '../providers';
import { remember } from '../memory/store';
import { meterEmbeddings } from '../usage';
import { redact } from '../privacy/redact';
import { contributeConversation } from '../global/store';

/** `names`: the contact's own, redacted with every other kind of personal data from the quoted question. */
export function summarize(messages: { direction: 'in' | 'out'; text: string; sender: { type: string }; meta?: Record<string, unknown>; createdAt: string }[], names: string[] = []): string | null {
  const questions = messages.filter((m) => m.direction === 'in' && m.text.trim());
  if (!questions.length) return null;
  const topics = new Set<string>();
  for (const m of messages) for (const s of (m.meta?.sources as { title: string }[] | undefined) ?? []) topics.add(s.title);
  const humans = messages.some((m) => m.sender.type === 'operator');
  // The summary quotes the contact: what they typed may hold a card, an IBAN, an e-mail or an address.
  const first = redact(questions[0].text, { names }).text.replace(/\s+/g, ' ').slice(0, 140);
  const day = messages[0].createdAt.slice(0, 10);
  return `On ${day} asked: "${first}"${topics.size ? `; topics: ${[...topics].slice(0, 4).join(', ')}` : ''}; ${humans ? 'a person from the team helped' : 'answered by the assistant'}.`;
}

export async function onConversationResolved(ctx: HubContext, job: JobRow): Promise<void> {
  const tenantId = job.tenant_id!;
  const conversationId = String(job.payload.conversationId);
  const meter = meterEmbeddings(embeddingsFor(ctx.config));
  const embeddings = meter.embeddings;
  await withTenant(ctx.sql, tenantId, async (tx) => {
    const [conv] = await tx<{ contact_id: string; name: string | null }[]>`
      select v.contact_id, c.name from conversations v join contacts c on c.id = v.contact_id where v.id = ${conversationId}`;
    if (!conv) return;
    const summary = summarize(await listMessages(tx, conversationId, { afterSeq: 0, limit: 500 }), conv.name ? [conv.name] : []);
    if (summary) await remember(tx, embeddings, { tenantId, contactId: conv.contact_id, content: summary, kind: 'summary', conversationId });
  });
  const r = await contributeConversation(ctx, embeddings, tenantId, conversationId);
  await meter.flush(ctx.sql, { tenantId, conversationId });
  ctx.log.debug({ conversationId, ...r }, 'global store contribution');
}
