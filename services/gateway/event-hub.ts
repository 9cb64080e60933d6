import { randomBytes } from 'node:crypto';
import type { Redis } from '#libs/redis';
import { partitionTag, type StreamEvent } from '#libs/session';

type Listener = (e: StreamEvent) => void;
/** What a reply channel hears about a turn: its record fields once it ended, or that its session was deleted. */
type Reply = string[] | 'gone';

/** How long an end announced before anyone waited for it is remembered (see awaitReply). */
const EARLY_REPLY_MS = 60_000;

/**
 * Fans Redis pub/sub announcements of turn events out to this gateway's SSE streams and ?wait requests,
 * over one subscriber connection: a turn's channel is subscribed while at least one local listener
 * needs it. Announcements are only wake-ups; the event list in Redis stays the source of truth, so any
 * replica can serve any stream and a missed announcement costs latency, never an event.
 *
 * A request that submits a turn and waits for it (`?wait`) needs only the end: it names this gateway's
 * reply channel in SUBMIT, and the ended turn is announced there. That saves the wait a SUBSCRIBE, an
 * UNSUBSCRIBE, every other event of the turn and two reads of it (docs/performance.md, "Change 2").
 *
 * On a Redis Cluster the scripts announce with SPUBLISH (session-scripts-client.ts), which stays on the
 * shard that owns the channel's slot, so the hub SSUBSCRIBEs, and a reply channel must share the
 * session's hash tag: there is one per partition (`{<namespace>-<k>}:reply:<id>`).
 */
export async function createEventHub(subscriber: Redis, namespace: string, partitions = 1) {
  const sharded = subscriber.isCluster;
  const listeners = new Map<string, Set<Listener>>();
  const id = randomBytes(8).toString('hex');
  const replyChannels = sharded
    ? Array.from({ length: partitions }, (_, p) => `${partitionTag(namespace, p)}:reply:${id}`)
    : [`${namespace}:reply:${id}`];
  const replySet = new Set(replyChannels);
  const sub = (channel: string) => (sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel));
  const unsub = (channel: string) => (sharded ? subscriber.sunsubscribe(channel) : subscriber.unsubscribe(channel));
  const waiting = new Map<string, (fields: Reply) => void>();
  // turn channel -> its end, when that arrived with nobody waiting yet
  const early = new Map<string, { at: number; fields: Reply }>();

  subscriber.on(sharded ? 'smessage' : 'message', (channel: string, message: string) => {
    if (replySet.has(channel)) return onReply(message);
    const set = listeners.get(channel);
    if (!set) return;
    const a = message.indexOf('\n');
    const b = message.indexOf('\n', a + 1);
    const e: StreamEvent = { id: Number(message.slice(0, a)), type: message.slice(a + 1, b), data: message.slice(b + 1) };
    for (const l of set) l(e);
  });
  // one at a time: on a cluster each lives in its own slot
  for (const c of replyChannels) await sub(c);

  function onReply(message: string): void {
    const m = JSON.parse(message) as { c: string; f?: string[]; gone?: boolean };
    const turnChannel = m.c;
    const fields: Reply = m.gone ? 'gone' : m.f ?? [];
    const resolve = waiting.get(turnChannel);
    if (resolve) return resolve(fields);
    // The end can be read off the subscriber connection before SUBMIT's reply off the other one.
    const now = Date.now();
    early.set(turnChannel, { at: now, fields });
    for (const [c, e] of early) {
      if (now - e.at < EARLY_REPLY_MS) break;
      early.delete(c);
    }
  }

  return {
    /** Pass to SUBMIT as its reply channel for a session of `partition`, then call awaitReply for the new turn. */
    replyChannelOf(partition: number): string {
      return replyChannels[sharded ? partition : 0];
    },

    /**
     * Resolves with the ended turn's record fields (as READ_TURN returns them) when the turn submitted
     * with `replyChannelOf(partition)` ends, 'gone' when its session is deleted first, or null after `ms`.
     */
    awaitReply(turnChannel: string, ms: number): Promise<Reply | null> {
      const known = early.get(turnChannel);
      if (known) {
        early.delete(turnChannel);
        return Promise.resolve(known.fields);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(turnChannel);
          resolve(null);
        }, ms);
        waiting.set(turnChannel, (fields) => {
          clearTimeout(timer);
          waiting.delete(turnChannel);
          resolve(fields);
        });
      });
    },

    async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await sub(channel);
      }
      set.add(listener);
      return async () => {
        const s = listeners.get(channel);
        if (!s) return;
        s.delete(listener);
        if (s.size === 0) {
          listeners.delete(channel);
          await unsub(channel).catch(() => undefined);
        }
      };
    },

    /** Resolves true once the turn's `done` (or its session's deletion: `gone`) is announced on its own channel, false after `ms`. */
    async waitForDone(channel: string, ms: number, alreadyDone: () => Promise<boolean>): Promise<boolean> {
      let resolve!: (v: boolean) => void;
      const done = new Promise<boolean>((r) => { resolve = r; });
      const unsubscribe = await this.subscribe(channel, (e) => { if (e.type === 'done' || e.type === 'gone') resolve(true); });
      const timer = setTimeout(() => resolve(false), ms);
      try {
        // checked after subscribing, so a turn that ends in between is not missed
        if (await alreadyDone()) resolve(true);
        return await done;
      } finally {
        clearTimeout(timer);
        await unsubscribe();
      }
    },

    channels(): number {
      return listeners.size;
    },
  };
}

export type EventHub = Awaited<ReturnType<typeof createEventHub>>;
