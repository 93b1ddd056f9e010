// Any OpenAI-compatible chat endpoint (OpenAI, Azure, Ollama, vLLM, LM Studio) through the `openai`
// SDK, which retries 429/5xx with backoff and honours the timeout. Prompts and tools use
// @langchain/core message shapes; streamed fragments reach `onDelta` in order.
import OpenAI from 'openai';
import type { BaseMessage } from '@langchain/core/messages';
import type { ChatProvider, ChatRequest, ChatResult, ToolCall } from '../types';
import { LLMError, toLLMError } from './errors';

export interface OpenAIOptions { apiKey: string; baseUrl?: string; model: string; timeoutMs: number; maxRetries?: number }

type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

export function toOpenAIMessages(messages: BaseMessage[]): ChatMessage[] {
  return messages.map((m): ChatMessage => {
    const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
    switch (m.getType()) {
      case 'system': return { role: 'system', content };
      case 'human': return { role: 'user', content };
      case 'tool': return { role: 'tool', content, tool_call_id: (m as unknown as { tool_call_id: string }).tool_call_id };
      case 'ai': {
        const calls = (m as unknown as { tool_calls?: ToolCall[] }).tool_calls ?? [];
        return calls.length
          ? { role: 'assistant', content: content || null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.args) } })) }
          : { role: 'assistant', content };
      }
      default: throw new Error(`unsupported message type ${m.getType()}`);
    }
  });
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {}; // a model that emits broken JSON gets empty arguments, not a crash
  }
}

export function createOpenAIChatProvider(opts: OpenAIOptions): ChatProvider {
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseUrl, timeout: opts.timeoutMs, maxRetries: opts.maxRetries ?? 2 });
  return {
    name: 'openai',
    async chat(req: ChatRequest): Promise<ChatResult> {
      const model = req.model ?? opts.model;
      const base = {
        model,
        messages: toOpenAIMessages(req.messages),
        ...(req.tools?.length ? { tools: req.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) } : {}),
        ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
      };
      try {
        if (!req.onDelta) {
          const res = await client.chat.completions.create(base, { signal: req.signal });
          const choice = res.choices[0];
          if (!choice) throw new LLMError('bad_response', 'no choices in the response');
          return {
            text: choice.message.content ?? '',
            toolCalls: (choice.message.tool_calls ?? []).filter((c) => c.type === 'function').map((c) => ({ id: c.id, name: c.function.name, args: parseArgs(c.function.arguments) })),
            usage: { promptTokens: res.usage?.prompt_tokens ?? 0, completionTokens: res.usage?.completion_tokens ?? 0 },
            model: res.model ?? model,
          };
        }
        const stream = await client.chat.completions.create({ ...base, stream: true, stream_options: { include_usage: true } }, { signal: req.signal });
        // The SDK's timeout stops at the response headers; a stream that stalls afterwards would hang
        // the run forever. Abort when no chunk arrives for timeoutMs. (An aborted stream ends quietly
        // in the SDK, so stalls, caller aborts and truncated streams are told apart below.)
        let stalled = false;
        let idle: ReturnType<typeof setTimeout> | undefined;
        const arm = () => {
          clearTimeout(idle);
          idle = setTimeout(() => { stalled = true; stream.controller.abort(); }, opts.timeoutMs);
        };
        let text = '';
        let usage = { promptTokens: 0, completionTokens: 0 };
        let finished = false;
        const calls = new Map<number, { id: string; name: string; args: string }>();
        try {
          arm();
          for await (const chunk of stream) {
            arm();
            if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
            const choice = chunk.choices[0];
            if (!choice) continue;
            if (choice.finish_reason) finished = true;
            const delta = choice.delta;
            if (!delta) continue;
            if (delta.content) {
              text += delta.content;
              req.onDelta(delta.content);
            }
            for (const tc of delta.tool_calls ?? []) {
              const cur = calls.get(tc.index) ?? { id: '', name: '', args: '' };
              if (tc.id) cur.id = tc.id;
              // The name arrives whole (some servers repeat it on every chunk); only arguments are fragments.
              if (tc.function?.name) cur.name = tc.function.name;
              if (tc.function?.arguments) cur.args += tc.function.arguments;
              calls.set(tc.index, cur);
            }
          }
        } finally {
          clearTimeout(idle);
        }
        if (stalled) throw new LLMError('timeout', `the model stream stalled for ${opts.timeoutMs} ms`);
        if (req.signal?.aborted) throw new LLMError('timeout', 'the model call was aborted');
        if (!finished) throw new LLMError('bad_response', 'the stream ended before the model finished');
        return {
          text,
          toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([index, c]) => ({ id: c.id || `call_${index}`, name: c.name, args: parseArgs(c.args) })),
          usage,
          model,
        };
      } catch (err) {
        throw toLLMError(err);
      }
    },
  };
}
