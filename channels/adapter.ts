// The seam between the hub and a channel. The hub knows no channel: everything channel-specific
// (config shape, which fields are secret, how inbound traffic is verified and normalized, how a
// reply is sent) lives behind this interface in channels/<type>/.
import type { z } from 'zod';
import type { Attachment, ChannelType } from '../sdk/src/types';

export interface ChannelCapabilities {
  /** Replies are pushed by the hub to the channel (false: the client pulls them, e.g. the web widget socket). */
  outbound: boolean;
  attachments: boolean;
  typing: boolean;
}

/** What an adapter hands to the front desk for each inbound event. Adapters never write to the store. */
export interface InboundMessage {
  kind: 'message';
  externalId: string;
  /** Who sent it on the channel: phone number, PSID, email address, visitor id. */
  from: { externalId: string; name?: string; email?: string; phone?: string };
  text: string;
  attachments: Attachment[];
  timestamp?: Date;
  replyToExternalId?: string;
  meta?: Record<string, unknown>;
}

export interface InboundStatus {
  kind: 'status';
  externalId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp?: Date;
}

export type InboundEvent = InboundMessage | InboundStatus;

export interface OutboundMessage {
  to: { externalId: string; email?: string; phone?: string; name?: string };
  text: string;
  attachments: Attachment[];
  /** Stable per message: providers that support it dedupe retries with it. */
  idempotencyKey: string;
  replyToExternalId?: string;
}

export interface ChannelRuntime {
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface SendContext {
  metaGraphUrl: string;
  fetch: typeof fetch;
}

export interface ChannelAdapter<C extends z.ZodTypeAny = z.ZodTypeAny> {
  type: ChannelType;
  /** Validates `config` of POST /v1/channels. */
  configSchema: C;
  /** Config fields that are secrets: encrypted at rest, never returned after creation. */
  secretFields: readonly string[];
  /** Secrets Misy generates for the channel (shown once), e.g. the web channel's identity secret. */
  generateSecrets?: () => Record<string, string>;
  capabilities: ChannelCapabilities;
  /** Delivers one outbound message; returns the provider's id for it. Throwing means "retry later". */
  send?: (channel: ChannelRuntime, message: OutboundMessage, ctx: SendContext) => Promise<{ externalId: string }>;
}
