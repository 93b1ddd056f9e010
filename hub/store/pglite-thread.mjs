// Worker-thread entry for the embedded Postgres. Plain ESM so it loads the same way under
// `tsx`, vitest and plain node; the TypeScript module is loaded through tsx's API.
import { workerData, parentPort } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { runPGliteThread } = await tsImport('./pglite-thread.ts', import.meta.url);
await runPGliteThread(workerData, parentPort);
