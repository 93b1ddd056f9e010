// `npm run migrate`: apply pending migrations and exit.
import { loadConfig } from '../config';
import { openDatabase } from '../store/database';
import { migrate } from '../store/migrate';

const config = loadConfig();
const db = await openDatabase(config);
try {
  const applied = await migrate(db.sql);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
} finally {
  await db.close();
}
