import type { AddressInfo } from 'node:net';
import { createLogger } from '#libs/logger';
import { createSimServer } from './create-sim-server';
import { type SimConfig, SimConfigError, parseSimEnv } from './sim-config';

/* The only place that reads the environment; everything else gets its configuration passed in. */
function loadConfig(): SimConfig {
  try {
    return parseSimEnv(process.env);
  } catch (err) {
    if (!(err instanceof SimConfigError)) throw err;
    createLogger('llm-sim').fatal({ problems: err.message.split('\n') }, 'invalid configuration, not starting');
    process.exit(1);
  }
}

function main(): void {
  const config = loadConfig();
  // ISO times and the service field, like every other turnq process
  const log = createLogger('llm-sim', config.logLevel);
  const server = createSimServer({ knobs: config.knobs, log });

  server.listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    log.info(
      { url: `http://127.0.0.1:${port}/v1`, knobs: config.knobs },
      'turnq LLM simulator listening: canned replies, not a model',
    );
  });
  server.on('error', (err) => {
    log.fatal({ err }, 'simulator server failed');
    process.exit(1);
  });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'simulator shutting down');
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Streams in flight get a moment to finish; after that their clients see a dropped connection.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main();
