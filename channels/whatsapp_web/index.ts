import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';

export const whatsappWebConfigSchema = z.object({}).strict();

export const whatsappWebAdapter: ChannelAdapter<typeof whatsappWebConfigSchema> = {
  type: 'whatsapp_web',
  configSchema: whatsappWebConfigSchema,
  secretFields: [],
  capabilities: { outbound: true, attachments: true, typing: true },
};
