import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';

const server = { host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535), secure: z.boolean() };

export const emailConfigSchema = z.object({
  address: z.string().email().max(320),
  smtp: z.object({ ...server, user: z.string().max(320).optional(), pass: z.string().max(500).optional() }).strict(),
  imap: z.object({ ...server, user: z.string().max(320), pass: z.string().max(500) }).strict().optional(),
}).strict();

export const emailAdapter: ChannelAdapter<typeof emailConfigSchema> = {
  type: 'email',
  configSchema: emailConfigSchema,
  // Nested secrets are addressed by path.
  secretFields: ['smtp.pass', 'imap.pass'],
  generateSecrets: () => ({ inboundSecret: `whsec_${randomBytes(32).toString('base64url')}` }),
  capabilities: { outbound: true, attachments: true, typing: false },
};
