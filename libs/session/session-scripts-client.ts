import { isRedisUnavailable, type Redis } from '#libs/redis';
import * as S from './session-scripts';

type Reply = Array<string | number | null | Array<string | null>>;
type Script = (...args: Array<string | number>) => Promise<Reply>;

/** The session scripts bound to one connection; ioredis sends EVALSHA and falls back to EVAL once. */
export interface ScriptClient {
  create: Script; submit: Script; start: Script; commitIntent: Script; beginResponse: Script; delta: Script;
  commitResponse: Script; fail: Script; cancel: Script; remove: Script; commitSummary: Script;
  readForSummary: Script; readSession: Script; readTurn: Script; readEvents: Script; readMessages: Script; probeActive: Script;
  releaseEnded: Script; rateLimitWait: Script;
  /** The same scripts, each call ending by `until` (epoch ms): no run is awaited or started after it. */
  within(until: number): ScriptClient;
}

export const SCRIPTS: Record<Exclude<keyof ScriptClient, 'within'>, string> = {
  create: S.CREATE, submit: S.SUBMIT, start: S.START, commitIntent: S.COMMIT_INTENT, beginResponse: S.BEGIN_RESPONSE, delta: S.DELTA,
  commitResponse: S.COMMIT_RESPONSE, fail: S.FAIL, cancel: S.CANCEL, remove: S.DELETE, commitSummary: S.COMMIT_SUMMARY,
  readForSummary: S.READ_FOR_SUMMARY, readSession: S.READ_SESSION, readTurn: S.READ_TURN, readEvents: S.READ_EVENTS, readMessages: S.READ_MESSAGES,
  probeActive: S.PROBE_ACTIVE, releaseEnded: S.RELEASE_ENDED, rateLimitWait: S.RATE_LIMIT_WAIT,
};

/**
 * The one place that picks the pub/sub flavour. On a Redis Cluster a PUBLISH goes to every node, so its
 * cost grows with the cluster; SPUBLISH (Redis ≥ 7) stays on the shard that owns the channel's slot —
 * every channel a script announces on carries the session's hash tag (event lists, reply channels).
 */
export function shardedVariant(lua: string): string {
  return lua.replaceAll("redis.call('PUBLISH',", "redis.call('SPUBLISH',");
}

export interface RetryOptions {
  /** Longest wait for one run's reply; then its outcome counts as unknown. */
  replyMs: number;
  /** Longest time spent re-running a script whose outcome is unknown, from the first failure. */
  retryMs: number;
}

/** Defaults for a caller that holds an HTTP request or a job: a lost reply costs seconds, not a hang. */
export const DEFAULT_RETRY: RetryOptions = { replyMs: 3000, retryMs: 8000 };

/** A run whose reply did not come in time: it may or may not have taken effect. */
export class ReplyTimeoutError extends Error {
  constructor(script: string, ms: number) {
    super(`Command timed out: no reply to ${script} within ${ms} ms`);
    this.name = 'ReplyTimeoutError';
  }
}

/**
 * Binds the scripts. Every script is safe to run twice (session-scripts.ts), so a run whose outcome is
 * unknown — the reply lost with the connection, or not back within `replyMs` — is simply run again
 * once the connection is back, until `retryMs` has passed; then the last error goes to the caller
 * (the gateway answers 503). ioredis's own re-send of unanswered commands is off (create-redis.ts):
 * this is the one place that repeats a command, and it knows which commands may be repeated.
 */
export function bindScripts(redis: Redis, retry: RetryOptions = DEFAULT_RETRY): ScriptClient {
  const fns: Record<string, Script> = {};
  for (const [name, source] of Object.entries(SCRIPTS)) {
    const command = `turnq_${name}`;
    const lua = redis.isCluster ? shardedVariant(source) : source;
    if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: 7, lua });
    fns[name] = (redis as unknown as Record<string, Script>)[command].bind(redis);
  }
  const bind = (until: number): ScriptClient => {
    const client = { within: bind } as unknown as Record<string, unknown>;
    for (const [name, fn] of Object.entries(fns)) client[name] = (...args: Array<string | number>) => runIdempotent(redis, name, () => fn(...args), retry, until);
    return client as unknown as ScriptClient;
  };
  return bind(Infinity);
}

async function runIdempotent<T>(redis: Redis, name: string, run: () => Promise<T>, o: RetryOptions, until: number): Promise<T> {
  let deadline = 0;
  for (;;) {
    try {
      return await withReplyTimeout(run(), name, Math.max(0, Math.min(o.replyMs, until - Date.now())));
    } catch (err) {
      if (!isRedisUnavailable(err) || notSent(err)) throw err;
      const now = Date.now();
      deadline ||= Math.min(now + o.retryMs, until);
      if (now >= deadline || !(await ready(redis, deadline - now))) throw err;
    }
  }
}

/** Refused before it was written (no connection): it did not run, and running it now would fail the same way. */
const notSent = (err: unknown): boolean => /Stream isn't writeable|enableOfflineQueue/.test((err as Error).message);

function withReplyTimeout<T>(p: Promise<T>, name: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new ReplyTimeoutError(name, ms)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Resolves true once the connection is ready (at once if it is), false after `ms`. */
function ready(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => { clearTimeout(timer); redis.off('ready', onReady); resolve(ok); };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}
