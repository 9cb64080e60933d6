import type { SpawnedCluster } from '#libs/redis';
import { partitionOf, partitionTag } from '#libs/session';
import { client } from '../http-client';
import { namespaceOnEveryMaster, partitionMasters, slotOf, startCluster } from '../start-cluster';
import { startStack, type Stack } from '../start-stack';

const PARTITIONS = 12;
/**
 * TURNQ_CLUSTER_FAILOVER=1 runs it (see the README's Tests section: not yet seen passing on the shared
 * development machine); TURNQ_CLUSTER_LONG=1 also runs more sessions for longer on each side of the failover.
 */
const RUN = process.env.TURNQ_CLUSTER_FAILOVER === '1' || process.env.TURNQ_CLUSTER_LONG === '1';
const LONG = process.env.TURNQ_CLUSTER_LONG === '1';
const SESSIONS = LONG ? 48 : 24;
const PHASE_MS = LONG ? 8000 : 3000;

interface Accepted { turnId: string; at: number }

/**
 * Failover under load with TURNQ_WAIT_REPLICAS=1: one master is SIGKILLed while turns flow, its replica
 * is promoted, later the dead node rejoins as a replica. Every turn answered 200/202 ends once and in
 * order; submissions meanwhile get 503 + Retry-After and nothing else of 5xx; sessions of the other
 * masters' partitions keep completing turns while the dead master's slots fail over.
 */
(RUN ? describe : describe.skip)('Redis Cluster failover under load', () => {
  let cluster: SpawnedCluster;
  let stack: Stack;

  beforeAll(async () => {
    cluster = await startCluster();
    const namespace = await namespaceOnEveryMaster(cluster, PARTITIONS);
    stack = await startStack({
      namespace,
      workers: { 'intent-worker': 2, 'response-worker': 2, 'summary-worker': 1 },
      env: {
        REDIS_CLUSTER_NODES: cluster.seeds, TURNQ_PARTITIONS: String(PARTITIONS), TURNQ_WAIT_REPLICAS: '1', TURNQ_WAIT_TIMEOUT_MS: '1000',
        // a job whose lock lived on the dead master is found stalled sooner than with the production 30 s;
        // 5 s locks were too short on the loaded 2-core box: jobs stalled twice and their turns failed
        TURNQ_LOCK_DURATION_MS: '15000', TURNQ_STALLED_INTERVAL_MS: '5000',
        LLM_SIM_LATENCY_MS: '20', LLM_SIM_LATENCY_JITTER_MS: '40', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_WORKER_CONCURRENCY: '50',
      },
    });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });

  it('loses no acknowledged turn, answers 503 + Retry-After on the failing shard only, and keeps the others serving', async () => {
    const api = client(stack.baseUrl);
    const masterOf = await partitionMasters(cluster, stack.namespace, PARTITIONS);
    const sessions = (await Promise.all(Array.from({ length: SESSIONS }, () => api.session()))).map((s) => s.id);
    const victimPort = masterOf[0];
    const onVictim = (sid: string) => masterOf[partitionOf(sid, PARTITIONS)] === victimPort;
    expect(sessions.some(onVictim)).toBe(true);
    expect(sessions.some((s) => !onVictim(s))).toBe(true);

    const accepted = new Map<string, Accepted[]>(sessions.map((s) => [s, []]));
    const statuses = new Map<number, number>();
    const unavailableWithoutRetryAfter: string[] = [];
    let victim503 = 0;
    let stop = false;

    async function drive(sid: string): Promise<void> {
      for (let i = 1; !stop; i++) {
        // the same Idempotency-Key until the turn is acknowledged: a 503'd turn is found, not stored twice
        for (;;) {
          const r = await api.submit(sid, `turn ${i} of ${sid}`, '', { 'idempotency-key': `${sid}-${i}` }).catch(() => null);
          const status = r?.status ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 200 || status === 202) {
            accepted.get(sid)!.push({ turnId: r!.json.turnId, at: Date.now() });
            break;
          }
          if (status === 503) {
            if (!r!.headers.get('retry-after')) unavailableWithoutRetryAfter.push(r!.text);
            if (onVictim(sid)) victim503++;
          }
          if (stop) return;
          await new Promise((res) => setTimeout(res, 200));
        }
        await new Promise((res) => setTimeout(res, 30));
      }
    }

    const load = Promise.all(sessions.map(drive));
    await new Promise((res) => setTimeout(res, PHASE_MS));

    const victimSlot = await slotOf(cluster, partitionTag(stack.namespace, 0));
    const victim = cluster.nodes.find((n) => n.port === victimPort)!;
    const killedAt = Date.now();
    victim.process.kill('SIGKILL');
    for (;;) {
      const owner = await cluster.masterOf(victimSlot).catch(() => null);
      if (owner && owner.port !== victimPort) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const promotedAt = Date.now();
    await new Promise((res) => setTimeout(res, PHASE_MS));
    // the dead node comes back as a replica of the promoted one: the shard can confirm writes again
    await cluster.restart(victim);
    await cluster.waitHealthy(1);
    await new Promise((res) => setTimeout(res, PHASE_MS));
    stop = true;
    await load;

    // 429: the session's pending-turn limit, when workers fall behind the driver (backpressure, retried)
    const unexpected = [...statuses].filter(([s]) => ![200, 202, 429, 503].includes(s));
    expect(unexpected).toEqual([]);
    expect(unavailableWithoutRetryAfter).toEqual([]);
    expect(victim503).toBeGreaterThan(0);

    const completedDuringFailover: string[] = [];
    for (const sid of sessions) {
      const mine = accepted.get(sid)!;
      const ended = [];
      for (const a of mine) ended.push(await api.waitTurn(a.turnId, 120_000));
      expect(ended.map((t) => t.status)).toEqual(Array(mine.length).fill('completed'));
      for (let i = 1; i < ended.length; i++) {
        expect(ended[i].seq).toBeGreaterThan(ended[i - 1].seq);
        expect(Date.parse(ended[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(ended[i - 1].completedAt));
      }
      // once: every acknowledged turn has exactly its user and assistant message, in order
      const msgs = await api.messages(sid);
      const ids = msgs.map((m) => m.turnId as string);
      for (const a of mine) expect(ids.filter((id) => id === a.turnId)).toHaveLength(2);
      const ackedOrder = ids.filter((id, k) => mine.some((a) => a.turnId === id) && ids.indexOf(id) === k);
      expect(ackedOrder).toEqual(mine.map((a) => a.turnId));
      if (!onVictim(sid)) {
        for (const t of ended) {
          const at = Date.parse(t.completedAt);
          if (at >= killedAt && at <= promotedAt) completedDuringFailover.push(t.turnId);
        }
      }
    }
    expect(completedDuringFailover.length).toBeGreaterThan(0);
    const total = [...accepted.values()].reduce((n, a) => n + a.length, 0);
    console.log(`failover: ${total} turns acknowledged, statuses ${JSON.stringify(Object.fromEntries(statuses))}, `
      + `${victim503} 503s on the failed shard, promotion after ${promotedAt - killedAt} ms, `
      + `${completedDuringFailover.length} turns of other shards completed meanwhile`);
  }, 300_000);
});
