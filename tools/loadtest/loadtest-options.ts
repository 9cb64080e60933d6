import { parseArgs } from 'node:util';
import type { FollowMode } from './turn-record';

export interface LoadtestOptions {
  url: string; key: string | undefined;
  users: number; turns: number; thinkMs: number; rate: number; durationMs: number; concurrency: number;
  follow: FollowMode | 'mix'; out: string; turnTimeoutMs: number;
}

export const LOADTEST_USAGE = `usage: turnq loadtest [options]   (npm run loadtest -- [options])

Simulated users hold scripted Korean and English conversations with a running gateway.

  --url <url>            gateway base URL (default http://127.0.0.1:$PORT, PORT defaulting to 3000)
  --key <key>            API key for Authorization: Bearer (default $TURNQ_API_KEY)
  --users <n>            simulated users, one session each (default 10)
  --turns <n>            turns per user (default 5)
  --think-ms <ms>        think time between a user's turns, jittered ±50% (default 500; closed loop)
  --rate <turns/s>       open loop: submit at this rate whether or not answers came (default 0 = closed loop)
  --duration <time>      stop starting turns after this long: 90, 90s, 5m (default: until all turns ran)
  --concurrency <n>      most turns in flight at once (default 0 = no cap)
  --follow <mode>        sse | wait | mix: follow turns by the event stream or ?wait=60 (default mix)
  --turn-timeout <s>     give up following a turn after this long (default 120)
  --out <dir>            report directory (default reports/loadtest-<timestamp>)

Exit code: 0 when the order check passed, 1 on any order violation or when no turn completed, 2 on bad usage.`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, def: number, min = 0): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name}: expected a number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

function duration(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--duration: expected e.g. 90, 90s or 5m, got ${JSON.stringify(raw)}`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
}

export function parseLoadtestOptions(argv: string[], env: NodeJS.ProcessEnv, now = new Date()): LoadtestOptions | 'help' {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      url: { type: 'string' }, key: { type: 'string' }, users: { type: 'string' }, turns: { type: 'string' },
      'think-ms': { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, concurrency: { type: 'string' },
      follow: { type: 'string' }, out: { type: 'string' }, 'turn-timeout': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const follow = values.follow ?? 'mix';
  if (!['sse', 'wait', 'mix'].includes(follow)) throw new UsageError(`--follow: expected sse, wait or mix, got ${JSON.stringify(follow)}`);
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  return {
    url: values.url ?? `http://127.0.0.1:${env.PORT ?? 3000}`,
    key: values.key ?? env.TURNQ_API_KEY,
    users: Math.floor(positive('users', values.users, 10, 1)),
    turns: Math.floor(positive('turns', values.turns, 5, 1)),
    thinkMs: positive('think-ms', values['think-ms'], 500),
    rate: positive('rate', values.rate, 0),
    durationMs: duration(values.duration),
    concurrency: Math.floor(positive('concurrency', values.concurrency, 0)),
    follow: follow as LoadtestOptions['follow'],
    out: values.out ?? `reports/loadtest-${stamp}`,
    turnTimeoutMs: positive('turn-timeout', values['turn-timeout'], 120, 1) * 1000,
  };
}
