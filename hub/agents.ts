// Bridge between the hub and agents/: the job handlers that run agents, and the demo knowledge seed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExtraHandlers } from './jobs/handlers';
import type { SeedKnowledge } from './seed/demo';
import { runAgentReply } from '../agents/runtime/reply';
import { onConversationResolved } from '../agents/runtime/resolved';
import { ingestDocument } from '../agents/knowledge/store';
import { embeddingsFor } from '../agents/providers';

export const agentJobHandlers: ExtraHandlers = {
  'agent.reply': runAgentReply,
  'conversation.resolved': onConversationResolved,
};

const KNOWLEDGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'seed', 'knowledge');

/** The demo shop's knowledge base (English and Spanish markdown), ingested like any upload. */
export const seedDemoKnowledge: SeedKnowledge = async (ctx, tenantId) => {
  const embeddings = embeddingsFor(ctx.config);
  for (const file of readdirSync(KNOWLEDGE_DIR).filter((f) => f.endsWith('.md')).sort()) {
    const content = readFileSync(join(KNOWLEDGE_DIR, file), 'utf8');
    const title = content.match(/^#\s+(.+)$/m)?.[1].trim() ?? file.replace(/\.md$/, '');
    await ingestDocument(ctx.sql, embeddings, tenantId, { title, content, format: 'markdown', source: `demo/${file}` });
  }
};
