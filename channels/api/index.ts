// The tenant's own backend. Inbound: signed POST /webhooks/api/{channelId}. Outbound: each reply is
// POSTed to the channel's webhookUrl, signed with Misy's v1 signature, as a durable job.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';
import { signMisy } from '../../hub/security/signatures';

export const apiConfigSchema = z.object({ webhookUrl: z.string().url().max(2000).optional() }).strict();

export const apiAdapter: ChannelAdapter<typeof apiConfigSchema> = {
  type: 'api',
  configSchema: apiConfigSchema,
  secretFields: ['secret'],
  generateSecrets: () => ({ secret: `whsec_${randomBytes(32).toString('base64url')}` }),
  capabilities: { outbound: true, attachments: true, typing: false },
  async send(channel, message, ctx) {
    const url = channel.config.webhookUrl;
    if (typeof url !== 'string') return { externalId: message.idempotencyKey };
    const body = JSON.stringify({ type: 'message.outbound', id: message.idempotencyKey, to: message.to.externalId, text: message.text, attachments: message.attachments });
    const headers = signMisy(channel.secrets.secret, body, Math.floor(Date.now() / 1000));
    const res = await ctx.fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey, ...headers }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`webhook ${url} answered ${res.status}`);
    return { externalId: message.idempotencyKey };
  },
};
