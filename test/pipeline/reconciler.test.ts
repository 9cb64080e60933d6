import { Queue, type Worker } from 'bullmq';
import { loadIntentTables } from '#libs/intent';
import { createLlm } from '#libs/llm';
import { createLogger } from '#libs/logger';
import { createMetrics } from '#libs/metrics';
import { closeWorkers, createQueues, createReconciler, startWorkers, turnJobSchema, type Queues } from '#libs/queue';
import { createRedis } from '#libs/redis';
import { createPipelineStore, partitionTag } from '#libs/session';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { createClassifyTurn } from '../../services/intent-worker/classify-turn';
import { createRespond } from '../../services/response-worker/respond';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/**
 * A crash between a commit script and the `queue.add` that follows it leaves a session whose active
 * turn has no job. The workers here run in the test process on our own Queues interface with the add
 * of every next turn failing, exactly as if the process had died there; the reconciler must repair it.
 */
describe('reconciler', () => {
  let stack: Stack;
  const redis = createRedis(process.env.REDIS_URL!, 'worker');
  const logger = createLogger('test', 'silent');
  const metrics = createMetrics({ service: 'test', defaultMetrics: false });
  let workers: Worker[] = [];
  let queues: Queues;

  beforeAll(async () => {
    stack = await startStack({ workers: { 'intent-worker': 0, 'response-worker': 0, 'summary-worker': 0 }, env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0' } });
    queues = createQueues({ connection: redis, namespace: stack.namespace, partitions: 1, attempts: 3, backoffMs: 50 });
  }, 180_000);
  afterAll(async () => {
    await closeWorkers(workers, 5000);
    await queues.close();
    await stack?.stop();
    redis.disconnect();
  });

  it('re-adds the job of a turn whose dispatch was lost after the previous turn committed', async () => {
    let dropped = 0;
    const crashing: Queues = {
      ...queues,
      addTurn: async (stage, job) => {
        if (stage === 'intent' && job.seq > 1) { dropped++; throw new Error('process died before queue.add'); }
        return queues.addTurn(stage, job);
      },
    };
    const pipeline = createPipelineStore({ redis, namespace: stack.namespace, partitions: 1, ttlSeconds: 3600 });
    const llm = createLlm({ apiKey: 'test', baseURL: `${stack.simUrl}/v1`, timeoutMs: 10_000,
      countPrompt: (m, msgs) => chatPromptTokens(tokenCounter(m), msgs), countText: (m, t) => tokenCounter(m).count(t) });
    const tables = loadIntentTables();
    const common = { schema: turnJobSchema, connection: redis, namespace: stack.namespace, partitions: 1, concurrency: 5, lockDurationMs: 5000, stalledIntervalMs: 5000, logger, metrics };
    const classify = createClassifyTurn({ pipeline, queues: crashing, llm, metrics, tables, model: 'gpt-4o-mini', threshold: 0.45, rateLimitMaxWaitMs: 300_000 });
    const respond = createRespond({ pipeline, queues: crashing, llm, metrics, tables, model: 'gpt-4o-mini', budget: 4000, maxReplyTokens: 200, importance: true, summary: { triggerRatio: 0.7, keepMessages: 6 }, rateLimitMaxWaitMs: 300_000 });
    workers = [
      ...startWorkers({ ...common, queue: 'intent', process: (d, ctx) => classify(d, ctx) }),
      ...startWorkers({ ...common, queue: 'response', process: (d, ctx) => respond(d, ctx) }),
    ];

    const api = client(stack.baseUrl);
    const s = await api.session();
    const turns = [];
    for (const c of ['hello', 'how do queues work?', 'write a poem', 'thanks, bye']) turns.push((await api.submit(s.id, c)).json);
    const first = await api.waitTurn(turns[0].turnId, 20_000);
    expect(first.status).toBe('completed');
    expect(dropped).toBe(1);
    expect((await api.http('GET', `/v1/turns/${turns[1].turnId}`)).json.status).toBe('queued');

    const reconciler = createReconciler({ pipeline, queues, partitions: 1, intervalMs: 100, afterMs: 200, logger });
    reconciler.start();
    try {
      const ended = [];
      for (const t of turns) ended.push(await api.waitTurn(t.turnId, 30_000));
      expect(ended.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(dropped).toBe(3);
      const msgs = await api.messages(s.id);
      expect(msgs.map((m) => m.turnId)).toEqual(turns.flatMap((t) => [t.turnId, t.turnId]));
    } finally {
      await reconciler.stop();
    }
  }, 60_000);

  it('fails a poisoned job of every queue once, without retries, and the workers go on', async () => {
    const names = ['intent', 'response', 'summary'] as const;
    for (const name of names) {
      const q = new Queue(name, { connection: redis, prefix: partitionTag(stack.namespace, 0) });
      const job = await q.add(name, { sessionId: 42, nonsense: true }, { attempts: 5, jobId: `poison-${name}` });
      if (name === 'summary') {
        // no summary worker runs in this stack: start one in-process that only validates the payload
        workers.push(...startWorkers({ queue: 'summary', schema: turnJobSchema, connection: redis, namespace: stack.namespace, partitions: 1, concurrency: 1, lockDurationMs: 5000, stalledIntervalMs: 5000, logger, metrics, process: async () => undefined }));
      }
      const end = Date.now() + 10_000;
      let state = await job.getState();
      while (state !== 'failed' && Date.now() < end) { await new Promise((r) => setTimeout(r, 50)); state = await job.getState(); }
      const failed = await q.getJob(job.id!);
      expect([name, state]).toEqual([name, 'failed']);
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toContain(`invalid ${name} job payload`);
      await q.close();
    }
    const api = client(stack.baseUrl);
    const s = await api.session();
    expect((await api.submit(s.id, 'still working?', '?wait=20')).json.status).toBe('completed');
  }, 60_000);
});
