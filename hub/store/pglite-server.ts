// A Postgres wire-protocol server in front of PGlite that several connections (and processes) can
// share safely. PGlite is a single backend session, so the server must never interleave two
// clients inside one unit of work:
//  - messages are executed in groups ending at Sync or a simple Query (a whole extended-protocol
//    exchange), never one message at a time;
//  - while a client has a transaction open, only that client runs; the others wait their turn;
//  - a client that disconnects mid-transaction has it rolled back.
// (pglite-socket's own server queues single messages, which lets unnamed statements and portals
// of two clients overwrite each other; this is why Misy has its own.)
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

export interface PGliteServer {
  port: number;
  close(): Promise<void>;
}

/** A FIFO lock held across groups while a transaction is open. */
class SessionLock {
  private owner: number | null = null;
  private waiters: { id: number; resolve: () => void }[] = [];
  async acquire(id: number): Promise<void> {
    if (this.owner === id) return;
    if (this.owner === null) {
      this.owner = id;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push({ id, resolve }));
  }
  release(id: number): void {
    if (this.owner !== id) return;
    const next = this.waiters.shift();
    this.owner = next ? next.id : null;
    next?.resolve();
  }
  holds(id: number): boolean {
    return this.owner === id;
  }
}

export async function servePGlite(db: PGlite, opts: { host?: string; port?: number } = {}): Promise<PGliteServer> {
  const lock = new SessionLock();
  let nextId = 1;
  const sockets = new Set<Socket>();

  async function run(id: number, socket: Socket, messages: Uint8Array[]): Promise<void> {
    await lock.acquire(id);
    try {
      // A whole exchange in one call: each PGlite call has a fixed cost (~0.4 ms) that a query's
      // five protocol messages (Parse, Bind, Describe, Execute, Sync) would otherwise pay five times.
      const exchange = messages.length === 1 ? messages[0] : Buffer.concat(messages);
      await db.runExclusive(() => db.execProtocolRawStream(exchange, { onRawData: (chunk) => { if (socket.writable) socket.write(chunk); } }));
    } finally {
      // Keep the session only while this client's transaction is open.
      if (!db.isInTransaction()) lock.release(id);
    }
  }

  function handle(socket: Socket): void {
    const id = nextId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let group: Uint8Array[] = [];
    let chain: Promise<void> = Promise.resolve();

    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const len = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          if (buffer.length < len) return;
          const msg = buffer.subarray(0, len);
          buffer = buffer.subarray(len);
          if (code === SSL_REQUEST) { socket.write('N'); continue; }
          if (code === CANCEL_REQUEST) { socket.end(); return; }
          if (code !== PROTOCOL_3) { socket.destroy(); return; }
          started = true;
          const startup = new Uint8Array(msg);
          chain = chain.then(() => run(id, socket, [startup]));
          continue;
        }
        if (buffer.length < 5) return;
        const len = 1 + buffer.readInt32BE(1);
        if (buffer.length < len) return;
        const type = String.fromCharCode(buffer[0]);
        const msg = new Uint8Array(buffer.subarray(0, len));
        buffer = buffer.subarray(len);
        if (type === 'X') { socket.end(); return; }
        group.push(msg);
        // Sync ends an extended-protocol exchange; Query is a whole exchange by itself;
        // Flush asks for pending output now.
        if (type === 'S' || type === 'Q' || type === 'H') {
          const batch = group;
          group = [];
          chain = chain.then(() => run(id, socket, batch)).catch(() => { socket.destroy(); });
        }
      }
    });
    const cleanup = () => {
      sockets.delete(socket);
      chain = chain.then(async () => {
        if (lock.holds(id)) {
          if (db.isInTransaction()) await db.exec('ROLLBACK').catch(() => {});
          lock.release(id);
        }
      });
    };
    socket.on('close', cleanup);
    socket.on('error', () => socket.destroy());
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
