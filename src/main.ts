import { pino } from 'pino';
import { App } from './app/App.js';
import { RedisBinaryMissing } from './app/RedisProcess.js';
import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mnemo: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = pino({ level: config.logLevel, base: { service: 'mnemo' } });
  let app: App;
  try {
    app = await App.start(config, log);
  } catch (error) {
    if (error instanceof RedisBinaryMissing) {
      log.fatal(error.message);
      process.stderr.write(`mnemo: ${error.message}\n`);
      process.exit(3);
    }
    throw error;
  }
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.on('SIGINT', () => {
    shutdown('SIGINT');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`mnemo: failed to start: ${String(error)}\n`);
  process.exit(1);
});
