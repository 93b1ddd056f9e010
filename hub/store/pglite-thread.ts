// The embedded Postgres runs on its own thread: PGlite executes SQL (WASM) and writes its files
// synchronously, so on the hub's thread every query would stall sockets and HTTP. Here it serves
// the Postgres wire protocol on a private loopback port; the hub's thread only speaks to it.
import type { MessagePort } from 'node:worker_threads';
import { servePGlite } from './pglite-server';

export type ThreadReply = { ready: true; port: number } | { error: string } | { closed: true };

export async function runPGliteThread(data: { dir: string }, port: MessagePort | null): Promise<void> {
  if (!port) throw new Error('runPGliteThread must run in a worker thread');
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const db = await PGlite.create({ dataDir: data.dir, extensions: { vector } });
    const server = await servePGlite(db);
    port.on('message', async (msg: { close?: true }) => {
      if (!msg.close) return;
      await server.close();
      await db.close();
      port.postMessage({ closed: true } satisfies ThreadReply);
    });
    port.postMessage({ ready: true, port: server.port } satisfies ThreadReply);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies ThreadReply);
  }
}
