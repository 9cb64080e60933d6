import type { Worker } from 'bullmq';
import { loadIntentTables } from '#libs/intent';
import { LlmError, type Llm, type StreamRequest, type StreamResult } from '#libs/llm';
import { createLogger } from '#libs/logger';
import { createMetrics } from '#libs/metrics';
import { closeWorkers, createQueues, startWorkers, turnJobSchema } from '#libs/queue';
import type { PipelineStore } from '#libs/session';
import { tokenCounter } from '#libs/tokens';
import { SAMPLE_INTENT, storeFixture } from '../../test/store-fixture';
import { until } from '../../test/support';
import { createRespond } from './respond';

const MODEL = 'gpt-4o-mini';

/** A model of our Llm interface that streams `pieces` one every few ms, until done or aborted. */
function fakeLlm(pieces: string[], usage: { estimated: boolean; promptTokens: number; completionTokens: number }) {
  const seen = { sent: 0, aborted: false, request: null as StreamRequest | null };
  const llm: Llm = {
    complete: async () => { throw new Error('not used'); },
    embed: async () => { throw new Error('not used'); },
    async stream(req: StreamRequest): Promise<StreamResult> {
      seen.request = req;
      for (const p of pieces) {
        await new Promise((r) => setTimeout(r, 5));
        if (req.signal?.aborted) { seen.aborted = true; throw new LlmError('aborted', 'the request was aborted'); }
        req.onDelta(p);
        seen.sent++;
      }
      const u = { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, totalTokens: usage.promptTokens + usage.completionTokens };
      return { text: pieces.join(''), usage: u, usageEstimated: usage.estimated, model: MODEL, timeToFirstTokenMs: 5 };
    },
  };
  return { llm, seen };
}

/** The response stage on real Redis and BullMQ, with the model and (where a fault is needed) the store wrapped. */
describe('response stage', () => {
  const f = storeFixture();
  const logger = createLogger('test', 'silent');
  const metrics = createMetrics({ service: 'test', defaultMetrics: false });
  const queues = createQueues({ connection: f.redis, namespace: f.namespace, partitions: 1, attempts: 1, backoffMs: 50 });
  let workers: Worker[] = [];
  afterEach(async () => { await closeWorkers(workers, 5000); workers = []; });
  afterAll(async () => { await queues.close(); f.close(); });

  async function run(llm: Llm, pipeline: PipelineStore, content: string) {
    const respond = createRespond({
      pipeline, queues, llm, metrics, tables: loadIntentTables(), model: MODEL, budget: 4000, maxReplyTokens: 200,
      importance: false, summary: { triggerRatio: 0.7, keepMessages: 6 }, rateLimitMaxWaitMs: 1000,
    });
    workers = startWorkers({
      queue: 'response', schema: turnJobSchema, connection: f.redis, namespace: f.namespace, partitions: 1, concurrency: 1,
      lockDurationMs: 5000, stalledIntervalMs: 5000, logger, metrics, process: (d, ctx) => respond(d, ctx),
    });
    const s = await f.store.create('t', {});
    const { ref } = await f.submit(s.id, content);
    await f.pipeline.start(ref);
    await f.pipeline.commitIntent(ref, SAMPLE_INTENT, 'greeting');
    await queues.addTurn('response', ref);
    const ended = await until('the turn to end', async () => {
      const t = await f.store.getTurn('t', ref.turnId);
      return t && ['completed', 'failed'].includes(t.status) ? t : null;
    });
    return { sessionId: s.id, turn: ended };
  }

  it('stops the model stream when writing a delta fails, and ends the turn as failed', async () => {
    const { llm, seen } = fakeLlm(Array.from({ length: 400 }, (_, i) => `w${i} `), { estimated: false, promptTokens: 10, completionTokens: 400 });
    const broken: PipelineStore = { ...f.pipeline, delta: async () => { throw new Error('Connection is closed.'); } };
    const { turn } = await run(llm, broken, 'tell me a long story');
    expect(turn.status).toBe('failed');
    expect(seen.aborted).toBe(true);
    expect(seen.sent).toBeLessThan(400); // 400 pieces take 2 s; the first write fails after 25 ms
  });

  it('counts a reply once: without provider usage the model client\'s local count is the stored one', async () => {
    const reply = 'Queues keep work in order.';
    // the local count a real client returns (createLlm usageOf); the stored message must carry that one
    const counted = tokenCounter(MODEL).count(reply);
    const { llm, seen } = fakeLlm([reply], { estimated: true, promptTokens: 0, completionTokens: counted + 1000 });
    const { sessionId, turn } = await run(llm, f.pipeline, 'how do queues work?');
    expect(turn.status).toBe('completed');
    const page = await f.store.messages('t', sessionId, { limit: 10 });
    if (typeof page === 'string') throw new Error(page);
    expect(page.messages.map((m) => m.tokens)).toEqual([tokenCounter(MODEL).count('how do queues work?'), counted + 1000]);
    // and the prompt, counted exactly while it was built, is handed over instead of being counted again
    expect(seen.request?.promptTokens).toBe(turn.context?.keptTokens);
  });
});
