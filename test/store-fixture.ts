import { createRedis } from '#libs/redis';
import { createPipelineStore, createSessionStore, type TurnRef } from '#libs/session';

export const SAMPLE_INTENT = { label: 'greeting', confidence: 0.9, method: 'keyword' as const };
export const SAMPLE_USAGE = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
export const SAMPLE_CONTEXT = { originalTokens: 10, keptTokens: 10, compressionRatio: 1, messagesTotal: 0, messagesKept: 0, summaryUsed: false };

/**
 * The session and pipeline stores on the test Redis, in a namespace of their own, with the steps the
 * store tests drive a turn through (tenant 't'). Call `close()` in afterAll.
 */
export function storeFixture(ttlSeconds = 60) {
  const redis = createRedis(process.env.REDIS_URL!, 'worker');
  const opts = { redis, namespace: `u${Math.random().toString(36).slice(2, 8)}`, partitions: 1, ttlSeconds };
  const store = createSessionStore(opts);
  const pipeline = createPipelineStore(opts);

  return {
    redis, store, pipeline, namespace: opts.namespace,

    async submit(sessionId: string, content: string): Promise<{ ref: TurnRef; dispatched: boolean }> {
      const r = await store.submit('t', sessionId, { content, maxPending: 10 });
      if (r.kind !== 'created') throw new Error(`submit: ${r.kind}`);
      return { ref: store.refOf(sessionId, r.turn.seq), dispatched: r.dispatch !== null };
    },

    /** Runs the intent stage and begins the response; returns the attempt to stream and commit with. */
    async toResponseStage(ref: TurnRef): Promise<number> {
      if ((await pipeline.start(ref)).kind !== 'run') throw new Error('start: gone');
      if ((await pipeline.commitIntent(ref, SAMPLE_INTENT, 'greeting')) !== 'ok') throw new Error('commitIntent refused');
      const snap = await pipeline.beginResponse(ref, { maxTokens: 10_000, maxMessages: 100 });
      if (typeof snap === 'string') throw new Error(`beginResponse: ${snap}`);
      return snap.attempt;
    },

    /** Commits `reply` for the turn's current attempt; returns the next turn handed the session. */
    async commit(ref: TurnRef, attempt: number, reply: string): Promise<TurnRef | null> {
      const outcome = await pipeline.commitResponse(ref, {
        attempt, response: reply, usage: SAMPLE_USAGE, context: SAMPLE_CONTEXT, userTokens: 3, replyTokens: 4, intentLabel: 'greeting', model: 'm',
      });
      if (!outcome) throw new Error('commitResponse refused');
      return outcome.next;
    },

    close: () => redis.disconnect(),
  };
}

/** Both steps: the turn runs to completion with `reply`. */
export async function completeTurn(f: ReturnType<typeof storeFixture>, ref: TurnRef, reply: string): Promise<TurnRef | null> {
  return f.commit(ref, await f.toResponseStage(ref), reply);
}
