// What one agent run decided. The runtime turns it into a stored message and, for a handoff,
// a conversation transition.
export type HandoffReason = 'tool_call' | 'explicit_request' | 'low_confidence' | 'negative_sentiment' | 'repeated_failure' | 'turn_limit' | 'keyword';

export interface Source { title: string; source?: string | null }

export type RunOutcome =
  | { kind: 'reply'; text: string; sources: Source[]; confidence?: number }
  | { kind: 'handoff'; reason: HandoffReason; text: string; detail?: string };
