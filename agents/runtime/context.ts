// Everything one agent run needs, read in one tenant-scoped transaction: the conversation, the
// message to answer, recent turns, the contact, the tenant's settings and the chosen agent.
import type { HubContext } from '../../hub/context';
import type { Conversation, Message } from '../../sdk/src/types';
import type { TenantSettings } from '../../hub/domain/tenants';
import { withTenant } from '../../hub/store/tenant';
import { getConversation } from '../../hub/domain/conversations';
import { getMessage, latestMessages } from '../../hub/domain/messages';
import { currentConsents, getContact, type ContactRow } from '../../hub/domain/contacts';
import type { TenantLLM } from '../providers';
import { RECENT_TURNS } from './guardrails';

export interface AgentRow {
  id: string; name: string; description: string; instructions: string; model: string | null; tools: string[];
  handoff: { keywords?: string[]; minConfidence?: number; maxFailures?: number; onNegativeSentiment?: boolean };
}

export interface RunContext {
  tenantId: string;
  conversation: Conversation;
  trigger: Message;
  turns: Message[];
  contact: ContactRow;
  consents: Record<string, boolean>;
  agents: AgentRow[];
  settings: TenantSettings;
  tenantLLM?: TenantLLM;
  agentTurns: number;
  botFailures: number;
  /** A newer message from the contact exists: its own job will answer with the full context. */
  superseded: boolean;
}

export async function loadRunContext(ctx: HubContext, tenantId: string, conversationId: string, messageId: string): Promise<RunContext | null> {
  return withTenant(ctx.sql, tenantId, async (tx) => {
    const trigger = await getMessage(tx, messageId);
    if (!trigger) return null; // erased since
    const conversation = await getConversation(tx, conversationId);
    const [newer] = await tx`select 1 from messages where conversation_id = ${conversationId} and direction = 'in' and seq > ${trigger.seq} limit 1`;
    const turns = (await latestMessages(tx, conversationId, RECENT_TURNS + 1)).filter((m) => m.seq <= trigger.seq);
    const contact = await getContact(tx, conversation.contactId);
    const consents = await currentConsents(tx, contact.id);
    const agents = await tx<AgentRow[]>`select id, name, description, instructions, model, tools, handoff from agents where enabled order by created_at`;
    const [tenant] = await tx<{ settings: TenantSettings & { llm?: { apiKey?: string; baseUrl?: string; model?: string } } }[]>`select settings from tenants where id = ${tenantId}`;
    const [counts] = await tx<{ agent_turns: number; bot_failures: number }[]>`
      select (select count(*)::int from messages where conversation_id = ${conversationId} and sender_type = 'agent') as agent_turns,
             bot_failures from conversations where id = ${conversationId}`;
    const llm = tenant?.settings.llm;
    return {
      tenantId, conversation, trigger, turns, contact, consents, agents,
      settings: tenant?.settings ?? {},
      tenantLLM: llm && (llm.apiKey || llm.baseUrl || llm.model)
        ? { apiKey: llm.apiKey ? ctx.box.open(llm.apiKey) : undefined, baseUrl: llm.baseUrl, model: llm.model }
        : undefined,
      agentTurns: counts?.agent_turns ?? 0,
      botFailures: counts?.bot_failures ?? 0,
      superseded: !!newer,
    };
  });
}
