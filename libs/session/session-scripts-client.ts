import type { Redis } from '#libs/redis';
import * as S from './session-scripts';

type Reply = Array<string | number | null | Array<string | null>>;
type Script = (...args: Array<string | number>) => Promise<Reply>;

/** The session scripts bound to one connection; ioredis sends EVALSHA and falls back to EVAL once. */
export interface ScriptClient {
  submit: Script; start: Script; commitIntent: Script; beginResponse: Script; delta: Script;
  commitResponse: Script; fail: Script; cancel: Script; remove: Script; commitSummary: Script;
  readForSummary: Script; readSession: Script; readTurn: Script; readEvents: Script; readMessages: Script; probeActive: Script;
}

export const SCRIPTS: Record<keyof ScriptClient, string> = {
  submit: S.SUBMIT, start: S.START, commitIntent: S.COMMIT_INTENT, beginResponse: S.BEGIN_RESPONSE, delta: S.DELTA,
  commitResponse: S.COMMIT_RESPONSE, fail: S.FAIL, cancel: S.CANCEL, remove: S.DELETE, commitSummary: S.COMMIT_SUMMARY,
  readForSummary: S.READ_FOR_SUMMARY, readSession: S.READ_SESSION, readTurn: S.READ_TURN, readEvents: S.READ_EVENTS, readMessages: S.READ_MESSAGES,
  probeActive: S.PROBE_ACTIVE,
};

/**
 * The one place that picks the pub/sub flavour. On a Redis Cluster a PUBLISH goes to every node, so its
 * cost grows with the cluster; SPUBLISH (Redis ≥ 7) stays on the shard that owns the channel's slot —
 * every channel a script announces on carries the session's hash tag (event lists, reply channels).
 */
export function shardedVariant(lua: string): string {
  return lua.replaceAll("redis.call('PUBLISH',", "redis.call('SPUBLISH',");
}

export function bindScripts(redis: Redis): ScriptClient {
  const client = {} as Record<string, Script>;
  for (const [name, source] of Object.entries(SCRIPTS)) {
    const command = `turnq_${name}`;
    const lua = redis.isCluster ? shardedVariant(source) : source;
    if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: 7, lua });
    const fn = (redis as unknown as Record<string, Script>)[command].bind(redis);
    client[name] = fn;
  }
  return client as unknown as ScriptClient;
}
