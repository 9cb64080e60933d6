import { rmSync } from 'node:fs';
import Redis from 'ioredis';
import { spawnRedis, type SpawnedRedis } from '../../libs/redis/spawn-redis';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { expectHistoryOf, expectSequential, until } from '../support';

/**
 * Invariant 3 across a Redis crash: a private redis-server with its append-only file is killed with
 * SIGKILL under load and started again on the same port and directory. While it is down the gateway
 * answers 503 with Retry-After (and /readyz says so); afterwards every turn answered 202 ends, exactly
 * once and in order, and gateway and workers are back on their own — no process is restarted.
 * appendfsync is `always` here so that an acknowledged write survives SIGKILL; with the production
 * `everysec` a crash may lose the last second, which is Redis' durability, not turnq's.
 */
describe('Redis killed and restarted during load', () => {
  let redis: SpawnedRedis;
  let stack: Stack;
  let api: ReturnType<typeof client>;

  async function startRedis(port?: number, dir?: string): Promise<SpawnedRedis> {
    const r = await spawnRedis({ port, dir });
    const c = new Redis(r.url);
    await c.config('SET', 'appendfsync', 'always');
    c.disconnect();
    return r;
  }

  beforeAll(async () => {
    redis = await startRedis();
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: {
        REDIS_URL: redis.url, LLM_SIM_LATENCY_MS: '50', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_MAX_PENDING_TURNS: '50',
        TURNQ_LOCK_DURATION_MS: '2000', TURNQ_STALLED_INTERVAL_MS: '1000', TURNQ_JOB_BACKOFF_MS: '200',
        TURNQ_RECONCILE_INTERVAL_MS: '300', TURNQ_RECONCILE_AFTER_MS: '1500',
      },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    if (redis) {
      redis.process.kill('SIGKILL');
      rmSync(redis.dir, { recursive: true, force: true });
    }
  });

  it('answers 503 with Retry-After while it is down, then ends every accepted turn once and in order', async () => {
    const sessions = await Promise.all(Array.from({ length: 10 }, () => api.session()));
    const accepted = new Map<string, Array<{ turnId: string; afterRestart: boolean }>>(sessions.map((s) => [s.id, []]));
    const statuses: number[] = [];
    let restarted = false;
    let stop = false;
    // each session keeps submitting; the loop is paced by the gateway's own answers
    const load = Promise.all(sessions.map(async (s, si) => {
      for (let i = 0; !stop; i++) {
        const r = await api.submit(s.id, `session ${si} turn ${i}: how do queues work?`).catch(() => null);
        if (!r) continue;
        statuses.push(r.status);
        if (r.status === 202) accepted.get(s.id)!.push({ turnId: r.json.turnId, afterRestart: restarted });
        if (r.status === 503) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        await new Promise((res) => setTimeout(res, 20));
      }
    }));
    const count = () => [...accepted.values()].reduce((n, a) => n + a.length, 0);
    await until('turns to be accepted before the crash', () => count() >= 40);

    const { port, dir } = redis;
    const died = new Promise((r) => redis.process.once('exit', r));
    redis.process.kill('SIGKILL');
    await died;
    const readyz = await until('/readyz to report Redis down', async () => {
      const r = await api.http('GET', '/readyz');
      return r.status === 503 && r;
    });
    expect(Number(readyz.headers.get('retry-after'))).toBeGreaterThan(0);
    const create = await api.http('POST', '/v1/sessions', { body: {} });
    expect(create.status).toBe(503);
    expect(Number(create.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(create.headers.get('content-type')).toContain('application/problem+json');
    await until('the load to see a 503', () => statuses.includes(503));
    const workers = [...stack.of('intent-worker'), ...stack.of('response-worker')];
    const redisOf = async (metricsPort: number | null): Promise<string> =>
      ((await (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).json()) as { detail: { redis: string } }).detail.redis;
    await until('every worker to notice the outage', async () =>
      (await Promise.all(workers.map((w) => redisOf(w.metricsPort)))).every((st) => st !== 'ready'));

    redis = await startRedis(port, dir);
    restarted = true;
    await until('/readyz to report Redis up again', async () => (await api.http('GET', '/readyz')).status === 200);
    await until('every worker to reconnect', async () =>
      (await Promise.all(workers.map((w) => redisOf(w.metricsPort)))).every((st) => st === 'ready'), 30_000);
    const before = count();
    await until('turns to be accepted after the restart', () => count() >= before + 40, 30_000);
    stop = true;
    await load;

    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    for (const s of sessions) {
      const turns = [];
      for (const t of accepted.get(s.id)!) turns.push(await api.waitTurn(t.turnId, 60_000));
      expect(turns.map((t) => t.status)).toEqual(turns.map(() => 'completed'));
      // a request answered 503 after its script ran may have created a turn too: it runs, but is not ours to count
      expectSequential(turns, { contiguous: false });
      const msgs = await api.messages(s.id);
      const ids = new Set(turns.map((t) => t.turnId));
      const own = msgs.filter((m) => ids.has(m.turnId));
      expectHistoryOf(own, turns);
    }
    // the workers reconnected by themselves: turns submitted after the restart completed
    expect([...accepted.values()].flat().some((t) => t.afterRestart)).toBe(true);
  }, 120_000);
});
