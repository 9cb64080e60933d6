import type { Redis } from 'ioredis';
import type { StreamEvent } from '#libs/session';

type Listener = (e: StreamEvent) => void;

/**
 * Fans Redis pub/sub announcements of turn events out to this gateway's SSE streams and ?wait requests,
 * over one subscriber connection: a channel is subscribed while at least one local listener needs it.
 * Announcements are only wake-ups; the event stream in Redis stays the source of truth, so any replica
 * can serve any stream and a missed announcement costs latency, never an event.
 */
export function createEventHub(subscriber: Redis) {
  const listeners = new Map<string, Set<Listener>>();
  subscriber.on('message', (channel: string, message: string) => {
    const set = listeners.get(channel);
    if (!set) return;
    const a = message.indexOf('\n');
    const b = message.indexOf('\n', a + 1);
    const e: StreamEvent = { id: Number(message.slice(0, a)), type: message.slice(a + 1, b), data: message.slice(b + 1) };
    for (const l of set) l(e);
  });

  return {
    async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await subscriber.subscribe(channel);
      }
      set.add(listener);
      return async () => {
        const s = listeners.get(channel);
        if (!s) return;
        s.delete(listener);
        if (s.size === 0) {
          listeners.delete(channel);
          await subscriber.unsubscribe(channel).catch(() => undefined);
        }
      };
    },

    /** Resolves true once the turn's `done` event is announced, false after `ms`. */
    async waitForDone(channel: string, ms: number, alreadyDone: () => Promise<boolean>): Promise<boolean> {
      let resolve!: (v: boolean) => void;
      const done = new Promise<boolean>((r) => { resolve = r; });
      const unsubscribe = await this.subscribe(channel, (e) => { if (e.type === 'done') resolve(true); });
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

export type EventHub = ReturnType<typeof createEventHub>;
