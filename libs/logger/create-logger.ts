import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs: a constant message plus fields. Secrets are redacted at every level; prompts
 * and replies are only ever logged at debug (callers' duty, style rule 6).
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['apiKey', 'key', 'authorization', 'headers.authorization', 'req.headers.authorization', '*.apiKey'], censor: '[redacted]' },
  });
}
