// `npm run audit:verify`: walks every tenant's audit hash chain and names the first broken row.
// Exit codes: 0 intact, 1 broken, 2 could not check (bad config, database unreachable) — so a
// monitor can tell tampering from an outage.
import { loadConfig } from '../config';
import { openDatabase } from '../store/database';
import { configureAuditKeys, verifyAuditChain } from '../security/audit';

try {
  const config = loadConfig();
  // Row hashes are HMACs under a key derived from MISY_SECRET: verifying needs the same secret.
  configureAuditKeys(config.secret, config.previousSecrets);
  const db = await openDatabase(config);
  try {
    const verdict = await verifyAuditChain(db.sql);
    if (verdict.ok) {
      console.log(`audit chain OK (${verdict.checked} rows)`);
    } else {
      console.log(`audit chain BROKEN: tenant ${verdict.tenantId} row id ${verdict.id} seq ${verdict.seq}: ${verdict.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(`audit verification could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
