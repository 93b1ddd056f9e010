// WhatsApp Cloud API. Config per DESIGN.md; inbound webhooks are verified with X-Hub-Signature-256.
import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';

export const whatsappConfigSchema = z.object({
  phoneNumberId: z.string().min(1).max(64),
  accessToken: z.string().min(1).max(1000),
  appSecret: z.string().min(1).max(200),
  verifyToken: z.string().min(1).max(200),
  apiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
}).strict();

export const whatsappAdapter: ChannelAdapter<typeof whatsappConfigSchema> = {
  type: 'whatsapp',
  configSchema: whatsappConfigSchema,
  secretFields: ['accessToken', 'appSecret', 'verifyToken'],
  capabilities: { outbound: true, attachments: true, typing: false },
};
