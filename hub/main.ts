// `npm start`: parse config once, start the hub, print where everything is.
import { loadConfig, ConfigError } from './config';
import { startHub } from './server';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const started = Date.now();
  const hub = await startHub(config);
  const base = config.publicUrl;
  const lines = [
    '',
    `  Misy is running (${config.databaseUrl ? 'Postgres server' : `embedded Postgres in ${config.dataDir}`}, ${config.redisUrl ? 'Redis' : 'in-process bus'}) — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    '',
    `  Hub          ${base}`,
    `  Console      ${base}/console`,
    `  Demo page    ${base}/demo`,
    `  API docs     ${base}/docs`,
  ];
  if (hub.demo) {
    lines.push('', `  Operator     ${hub.demo.email} / ${hub.demo.password}`, `  API key      ${hub.demo.apiKey}`, `  Widget key   ${hub.demo.widgetKey}`);
  }
  console.log(lines.join('\n') + '\n');

  const stop = async (signal: string) => {
    hub.ctx.log.info({ signal }, 'shutting down');
    await hub.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
