// Provider failures as a small set of codes the runtime can act on (retry later, or hand off).
import OpenAI from 'openai';

export type LLMErrorCode = 'timeout' | 'rate_limited' | 'upstream' | 'bad_response' | 'auth';

export class LLMError extends Error {
  constructor(readonly code: LLMErrorCode, message: string) {
    super(message);
  }
}

export function toLLMError(err: unknown): LLMError {
  if (err instanceof LLMError) return err;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LLMError('timeout', 'the model did not answer in time');
  // The caller's signal fired (the SDK reports it as an APIError subclass, so test it first).
  if (err instanceof OpenAI.APIUserAbortError) return new LLMError('timeout', 'the model call was aborted');
  if (err instanceof OpenAI.RateLimitError) return new LLMError('rate_limited', 'the model provider is rate limiting');
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) return new LLMError('auth', 'the model provider rejected the API key');
  if (err instanceof OpenAI.APIError) return new LLMError('upstream', `model provider error ${err.status ?? ''}`.trim());
  if (err instanceof Error && err.name === 'AbortError') return new LLMError('timeout', 'the model call was aborted');
  return new LLMError('bad_response', err instanceof Error ? err.message : String(err));
}
