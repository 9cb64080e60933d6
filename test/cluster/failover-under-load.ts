import { Queue } from 'bullmq';
import { turnJobId } from '#libs/queue';
import { partitionOf, partitionTag } from '#libs/session';
import { client } from '../http-client';
import { CLUSTER_PARTITIONS, clusterClient, partitionMasters, slotOf, type ClusterStack } from '../start-cluster';

export interface FailoverOptions {
  /** Sessions driven at once, a third of them (at least one) on the master that is killed. */
  sessions: number;
  /** Turns every session has acknowledged before the kill; every other session again after the promotion; every victim session after the heal. */
  turns: number;
  /** API key, when the stack has TURNQ_API_KEYS. */
  key?: string;
}

interface Accepted { turnId: string; at: number }

/** Longest any phase may take: a safety net for a stuck stack, not a guess of speed (phases end on conditions). */
const PHASE_LIMIT_MS = 180_000;

/**
 * Failover under load, on a stack with TURNQ_WAIT_REPLICAS=1: every session submits turn after turn
 * (the same Idempotency-Key until one is acknowledged); once each has `turns` acknowledged, the master
 * of partition 0 is SIGKILLed; its replica is promoted; the shard then has no replica, so its
 * submissions answer 503 + Retry-After until the dead node rejoins as a replica. Asserts that every
 * acknowledged turn ends once and in order, that no status but 200/202/429/503 is seen, that every
 * 503 has Retry-After, that the failed shard answered 503 and no other did, and that the other masters' sessions
 * completed turns between the kill and the promotion. Returns the summary line the tests print.
 */
export async function failoverUnderLoad({ cluster, stack }: ClusterStack, o: FailoverOptions): Promise<string> {
  const api = client(stack.baseUrl, o.key);
  const masterOf = await partitionMasters(cluster, stack.namespace, CLUSTER_PARTITIONS);
  const victimPort = masterOf[0];
  const onVictim = (sid: string) => masterOf[partitionOf(sid, CLUSTER_PARTITIONS)] === victimPort;
  const sessions = await sessionsOnBothSides(api, onVictim, Math.max(1, Math.floor(o.sessions / 3)), o.sessions);

  const accepted = new Map<string, Accepted[]>(sessions.map((s) => [s, []]));
  const statuses = new Map<number, number>();
  const unavailableWithoutRetryAfter: string[] = [];
  let victim503 = 0;
  let others503 = 0;
  let longestVictimSubmitMs = 0;
  const lastStatus = new Map<string, number>();
  let stop = false;

  async function drive(sid: string): Promise<void> {
    for (let i = 1; !stop; i++) {
      // the same Idempotency-Key until the turn is acknowledged: a 503'd turn is found, not stored twice
      for (;;) {
        const sent = Date.now();
        const r = await api.submit(sid, `turn ${i} of ${sid}`, '', { 'idempotency-key': `${sid}-${i}` }).catch(() => null);
        const status = r?.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        lastStatus.set(sid, status);
        if (onVictim(sid)) longestVictimSubmitMs = Math.max(longestVictimSubmitMs, Date.now() - sent);
        if (status === 200 || status === 202) {
          accepted.get(sid)!.push({ turnId: r!.json.turnId, at: Date.now() });
          break;
        }
        if (status === 503) {
          if (!r!.headers.get('retry-after')) unavailableWithoutRetryAfter.push(r!.text);
          if (onVictim(sid)) victim503++;
          else others503++;
        }
        if (stop) return;
        await new Promise((res) => setTimeout(res, 200));
      }
      await new Promise((res) => setTimeout(res, 30));
    }
  }
  const ackedSince = (sid: string, t: number) => accepted.get(sid)!.filter((a) => a.at >= t).length;

  const load = Promise.all(sessions.map(drive));
  try {
    await until('every session has its turns before the kill', () => sessions.every((s) => ackedSince(s, 0) >= o.turns));

    const victimSlot = await slotOf(cluster, partitionTag(stack.namespace, 0));
    const victim = cluster.nodes.find((n) => n.port === victimPort)!;
    const killedAt = Date.now();
    victim.process.kill('SIGKILL');
    await until('a replica takes over the killed master\'s slots', async () => {
      const owner = await cluster.masterOf(victimSlot).catch(() => null);
      return owner !== null && owner.port !== victimPort;
    });
    const promotedAt = Date.now();
    // the promoted master has no replica: WAIT 1 cannot succeed there, the other shards are whole
    const seen503 = victim503;
    await until('the failed shard answers 503 and the other shards acknowledge turns', () => victim503 > seen503
      && sessions.filter((s) => !onVictim(s)).every((s) => ackedSince(s, promotedAt) >= o.turns));

    // the dead node comes back as a replica of the promoted one: the shard can confirm writes again
    await cluster.restart(victim);
    await cluster.waitHealthy(1);
    const healedAt = Date.now();
    await until('the healed shard acknowledges turns again', () => sessions.filter(onVictim).every((s) => ackedSince(s, healedAt) >= o.turns), async () => {
      const out = [];
      for (const s of sessions.filter(onVictim)) {
        const last = accepted.get(s)!.at(-1);
        out.push(`${s}: ${ackedSince(s, healedAt)} acknowledged since, last status ${lastStatus.get(s)}, last turn ${last ? await jobsOf({ cluster, stack }, s, last.turnId) : '-'}`);
      }
      return out.join('\n');
    });
    stop = true;
    await load;

    // 429: the session's pending-turn limit, when workers fall behind the driver (backpressure, retried)
    const unexpected = [...statuses].filter(([s]) => ![200, 202, 429, 503].includes(s));
    expect(unexpected).toEqual([]);
    expect(unavailableWithoutRetryAfter).toEqual([]);
    // only the failing shard's partitions answer 503; the others keep serving
    expect(others503).toBe(0);

    const completedDuringFailover: string[] = [];
    for (const sid of sessions) {
      const mine = accepted.get(sid)!;
      const ended = [];
      for (const a of mine) ended.push(await api.waitTurn(a.turnId, 120_000).catch(async (err: Error) => { throw new Error(`${err.message}\n${await jobsOf({ cluster, stack }, sid, a.turnId)}`); }));
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
    return `failover: ${sessions.length} sessions (${sessions.filter(onVictim).length} on the killed master), ${total} turns acknowledged, `
      + `statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${victim503} 503s on the failed shard, `
      + `longest submit there ${longestVictimSubmitMs} ms, promotion after ${promotedAt - killedAt} ms, `
      + `${completedDuringFailover.length} turns of other shards completed meanwhile, healed after ${healedAt - killedAt} ms`;
  } finally {
    stop = true;
    await load;
  }
}

/** `total` sessions, at least `onVictimSide` of them on the victim's side and the rest on the others'. */
async function sessionsOnBothSides(api: ReturnType<typeof client>, onVictim: (sid: string) => boolean, victims: number, total: number): Promise<string[]> {
  const mine: string[] = [];
  const others: string[] = [];
  while (mine.length < victims || others.length < total - victims) {
    const { id } = await api.session();
    if (onVictim(id)) { if (mine.length < victims) mine.push(id); } else if (others.length < total - victims) others.push(id);
  }
  return [...mine, ...others];
}

async function until(what: string, cond: () => boolean | Promise<boolean>, detail?: () => Promise<string>): Promise<void> {
  const end = Date.now() + PHASE_LIMIT_MS;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`failover test: not reached within ${PHASE_LIMIT_MS / 1000} s: ${what}${detail ? `\n${await detail()}` : ''}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** For a turn that did not end: where its jobs are in BullMQ (the failure message). */
async function jobsOf({ cluster, stack }: Pick<ClusterStack, 'cluster' | 'stack'>, sid: string, turnId: string): Promise<string> {
  const redis = clusterClient(cluster);
  const prefix = partitionTag(stack.namespace, partitionOf(sid, CLUSTER_PARTITIONS));
  try {
    const out = [`session on ${(await cluster.masterOf(await slotOf(cluster, prefix))).port}`];
    for (const name of ['intent', 'response']) {
      const q = new Queue(name, { connection: redis, prefix });
      const job = await q.getJob(turnJobId(turnId));
      out.push(`${name} queue ${JSON.stringify(await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'))}`);
      out.push(`${name}: ${job ? `${await job.getState()} attempts ${job.attemptsMade} stalled ${job.stalledCounter} failed ${job.failedReason ?? '-'}` : 'no job'}`);
      await q.close();
    }
    return out.join('; ');
  } catch (err) {
    return `(jobs unknown: ${(err as Error).message})`;
  } finally {
    redis.disconnect();
  }
}
