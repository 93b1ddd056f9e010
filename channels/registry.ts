// One entry per channel type. Adding a ChannelType without an adapter is a compile error.
import type { ChannelType } from '../sdk/src/types';
import type { ChannelAdapter } from './adapter';
import { webAdapter } from './web';
import { apiAdapter } from './api';
import { whatsappAdapter } from './whatsapp';
import { messengerAdapter } from './messenger';
import { instagramAdapter } from './instagram';
import { emailAdapter } from './email';
import { whatsappWebAdapter } from './whatsapp_web';

export const channelAdapters: Record<ChannelType, ChannelAdapter> = {
  web: webAdapter,
  api: apiAdapter,
  whatsapp: whatsappAdapter,
  messenger: messengerAdapter,
  instagram: instagramAdapter,
  email: emailAdapter,
  whatsapp_web: whatsappWebAdapter,
};

export const CHANNEL_TYPES = Object.keys(channelAdapters) as ChannelType[];

export function adapterFor(type: ChannelType): ChannelAdapter {
  const adapter = channelAdapters[type];
  if (!adapter) throw new Error(`unknown channel type ${String(type)}`);
  return adapter;
}
