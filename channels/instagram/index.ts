import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';

export const instagramConfigSchema = z.object({
  accountId: z.string().min(1).max(64),
  accessToken: z.string().min(1).max(1000),
  appSecret: z.string().min(1).max(200),
  verifyToken: z.string().min(1).max(200),
}).strict();

export const instagramAdapter: ChannelAdapter<typeof instagramConfigSchema> = {
  type: 'instagram',
  configSchema: instagramConfigSchema,
  secretFields: ['accessToken', 'appSecret', 'verifyToken'],
  capabilities: { outbound: true, attachments: true, typing: false },
};
