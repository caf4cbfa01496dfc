import { pino } from 'pino';
import { App, TokenFileError } from './app/App.js';
import { RedisBinaryMissing } from './app/RedisProcess.js';
import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      // Every problem at once, one line each: a fix-and-retry loop finds them all in one go.
      for (const problem of error.problems) {
        process.stderr.write(`mnemo: invalid configuration: ${problem}\n`);
      }
      process.exit(2);
    }
    throw error;
  }
  // JSON lines on stdout. Redis URLs are logged redacted; as a safety net, whatever looks like a
  // credential, and the arguments of a failed Redis command (AUTH's is the password), are censored.
  const log = pino({
    level: config.logLevel,
    base: { service: 'mnemo' },
    redact: {
      paths: ['password', '*.password', 'err.command.args', 'err.previousErrors[*].command.args'],
      censor: '[redacted]',
    },
  });
  // SIGHUP reloads the token file and the TLS certificates (App.reload: bad files leave what is
  // in force, and the log says why). One that comes during the start is acted on after it.
  let started: App | null = null;
  let reloadWanted = false;
  let stopping = false;
  const reload = (): void => {
    if (stopping) return;
    if (started === null) {
      reloadWanted = true;
      return;
    }
    log.info('SIGHUP: reloading');
    started.reload().catch((error: unknown) => {
      log.error({ err: error }, 'reload failed');
    });
  };
  process.on('SIGHUP', reload);
  let app: App;
  try {
    app = await App.start(config, log);
  } catch (error) {
    if (error instanceof ConfigError) {
      // A file a variable names (TLS) is missing or bad: the message names the variable.
      log.fatal(error.message);
      process.stderr.write(`mnemo: invalid configuration: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof TokenFileError) {
      process.stderr.write(`mnemo: invalid MNEMO_AUTH_TOKENS_FILE: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof RedisBinaryMissing) {
      log.fatal(error.message);
      process.stderr.write(`mnemo: ${error.message}\n`);
      process.exit(3);
    }
    throw error;
  }
  started = app;
  if (reloadWanted) reload();
  const shutdown = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting for calls in flight');
      process.exit(1);
    }
    stopping = true;
    log.info(
      { signal, graceMs: config.shutdownGraceMs },
      'shutting down: NOT_SERVING, finishing calls in flight',
    );
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
