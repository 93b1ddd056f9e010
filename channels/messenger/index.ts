import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';

export const messengerConfigSchema = z.object({
  pageId: z.string().min(1).max(64),
  pageAccessToken: z.string().min(1).max(1000),
  appSecret: z.string().min(1).max(200),
  verifyToken: z.string().min(1).max(200),
}).strict();

export const messengerAdapter: ChannelAdapter<typeof messengerConfigSchema> = {
  type: 'messenger',
  configSchema: messengerConfigSchema,
  secretFields: ['pageAccessToken', 'appSecret', 'verifyToken'],
  capabilities: { outbound: true, attachments: true, typing: true },
};
