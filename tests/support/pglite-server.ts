// A Postgres server with pgvector, as a separate process: PGlite behind Misy's wire-protocol
// server, which several connections and processes can share. Tests reach it through DATABASE_URL
// exactly as a user's own server would be reached.
// Usage: tsx tests/support/pglite-server.ts <dataDir> → prints "listening <port>".
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { servePGlite } from '../../hub/store/pglite-server';
import { seedTemplate } from './template';

const dir = process.argv[2];
seedTemplate(dir);
const db = await PGlite.create({ dataDir: dir, extensions: { vector } });
const server = await servePGlite(db);
console.log(`listening ${server.port}`);
const stop = async () => { await server.close(); await db.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
