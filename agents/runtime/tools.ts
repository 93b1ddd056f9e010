// The tools an agent may use. Definitions are JSON-schema (what @langchain/core tools serialize to
// and OpenAI-compatible servers expect); the runtime executes them against the tenant's data only.
import type { ToolSpec } from '../providers/types';

export const AGENT_TOOLS = ['search_knowledge', 'handoff_to_human', 'remember', 'lookup_contact'] as const;
export type AgentTool = (typeof AGENT_TOOLS)[number];

export const TOOL_SPECS: Record<AgentTool, ToolSpec> = {
  search_knowledge: {
    name: 'search_knowledge',
    description: "Search the business's knowledge base. Use it before answering any factual question.",
    parameters: { type: 'object', properties: { query: { type: 'string', description: 'What to look for' } }, required: ['query'], additionalProperties: false },
  },
  handoff_to_human: {
    name: 'handoff_to_human',
    description: 'Hand the conversation to a human operator: when the user asks for a person, is upset, or you cannot answer from the knowledge base.',
    parameters: { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'], additionalProperties: false },
  },
  remember: {
    name: 'remember',
    description: 'Store a durable fact about this user for future conversations (language, order number, preference). Never store payment data or passwords.',
    parameters: { type: 'object', properties: { fact: { type: 'string' } }, required: ['fact'], additionalProperties: false },
  },
  lookup_contact: {
    name: 'lookup_contact',
    description: 'Read what is known about the current user: name, email, attributes, remembered facts.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
};
