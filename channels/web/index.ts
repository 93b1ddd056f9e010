// The embeddable web widget. Visitors talk over the /widget socket, so replies are not pushed
// by an outbox send: they reach the visitor through realtime events (and replay by seq).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChannelAdapter } from '../adapter';

const origin = z
  .string()
  .max(200)
  .regex(/^(https?:\/\/[^/\s]+|\*)$/, 'an origin like https://shop.example.com (no path)');

// `requireConsent` is a setting of every channel type, validated by the hub (SharedChannelSettings).
export const webConfigSchema = z.object({
  allowedOrigins: z.array(origin).max(50).default([]),
  theme: z.object({ color: z.string().regex(/^#[0-9a-fA-F]{3,8}$/).optional(), position: z.enum(['right', 'left']).optional() }).strict().default({}),
  title: z.string().max(80).optional(),
  welcome: z.string().max(500).optional(),
  locale: z.enum(['en', 'es']).optional(),
}).strict();

export const webAdapter: ChannelAdapter<typeof webConfigSchema> = {
  type: 'web',
  configSchema: webConfigSchema,
  secretFields: ['identitySecret'],
  generateSecrets: () => ({
    widgetKey: `wk_${randomBytes(18).toString('base64url')}`,
    identitySecret: randomBytes(32).toString('hex'),
  }),
  capabilities: { outbound: false, attachments: false, typing: true },
};
