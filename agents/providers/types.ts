// The provider seam. Chat and embeddings are separate so a tenant can mix them
// (e.g. a hosted chat model with local embeddings). Messages and tool definitions use
// @langchain/core's shapes so prompts and tools are portable between providers.
import type { BaseMessage } from '@langchain/core/messages';

/** Every embedding stored by Misy has this many dimensions (see migrations/002_agents.sql). */
export const EMBEDDING_DIMENSIONS = 256;

export interface EmbeddingProvider {
  /** Stable id stored next to each vector, e.g. `local-hash-v1` or `openai:text-embedding-3-small`. */
  readonly model: string;
  /** `onUsage` hears the tokens each remote request consumed (the local provider costs nothing and never calls it). */
  embed(texts: string[], opts?: { signal?: AbortSignal; onUsage?: (usage: Usage) => void }): Promise<number[][]>;
}

/** A JSON-schema tool definition, as `@langchain/core` tools serialize to and OpenAI expects. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall { id: string; name: string; args: Record<string, unknown> }

export interface Usage { promptTokens: number; completionTokens: number }

export interface ChatRequest {
  messages: BaseMessage[];
  tools?: ToolSpec[];
  model?: string;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Called with each streamed text fragment, in order. */
  onDelta?: (text: string) => void;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  model: string;
  /** 0..1 where the provider can tell (the local provider always can); undefined otherwise. */
  confidence?: number;
}

export interface ChatProvider {
  readonly name: string;
  chat(req: ChatRequest): Promise<ChatResult>;
}
