// Real socket.io clients against a real hub.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../sdk/src/types';
import type { TestHub } from './hub';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export const SHOP_ORIGIN = 'http://shop.example.test';

export async function createWebChannel(hub: TestHub, token: string, config: Record<string, unknown> = {}) {
  const res = await hub.api('/v1/channels', { token, body: { type: 'web', name: 'Website', config: { allowedOrigins: [SHOP_ORIGIN], ...config } } });
  if (res.status !== 201) throw new Error(`channel: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, widgetKey: res.body.widgetKey as string, identitySecret: res.body.generatedSecrets.identitySecret as string };
}

export async function widgetSession(hub: TestHub, widgetKey: string, extra: Record<string, unknown> = {}, origin = SHOP_ORIGIN) {
  const res = await hub.api('/v1/widget/session', { body: { widgetKey, ...extra }, headers: { origin } });
  return res;
}

export function connect(url: string, namespace: '/widget' | '/console', token: string, origin = SHOP_ORIGIN): Promise<ClientSocket> {
  const socket: ClientSocket = io(url + namespace, { auth: { token }, transports: ['websocket'], extraHeaders: { origin }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => { socket.close(); reject(err); });
  });
}

export function emitAck<T = any>(socket: ClientSocket, event: string, payload: unknown): Promise<{ ok: boolean; data?: T; error?: { code: string; message: string; retryAfter?: number } }> {
  return (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<any> } }).timeout(10_000).emitWithAck(event, payload);
}

export function collect<T>(socket: ClientSocket, event: keyof ServerToClientEvents): T[] {
  const out: T[] = [];
  (socket as unknown as { on(e: string, fn: (x: T) => void): void }).on(event, (x: T) => out.push(x));
  return out;
}

export async function until(check: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
