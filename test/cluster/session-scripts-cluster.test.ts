import { createHash } from 'node:crypto';
import IORedis from 'ioredis';
import type { Redis, SpawnedCluster } from '#libs/redis';
import { createPipelineStore, createSessionStore, type StreamEvent, type TurnRef } from '#libs/session';
import { SCRIPTS, shardedVariant } from '../../libs/session/session-scripts-client';
import { createEventHub, type EventHub } from '../../services/gateway/event-hub';
import { SAMPLE_CONTEXT, SAMPLE_INTENT, SAMPLE_USAGE } from '../store-fixture';
import { clusterClient, namespaceOnEveryMaster, partitionMasters, startCluster } from '../start-cluster';

const PARTITIONS = 12;

/**
 * Every session script on a real Redis Cluster (3 masters, 3 replicas): a script that touched a key of
 * another slot fails here with CROSSSLOT. A channel in the wrong slot would not fail (SPUBLISH from a
 * script publishes on the node it runs on), so the announcements are received through SSUBSCRIBE on the
 * shard that owns the channel — the way the gateway listens.
 */
describe('session scripts on a Redis Cluster', () => {
  let cluster: SpawnedCluster;
  let redis: Redis;
  let subscriber: Redis;
  let hub: EventHub;
  let namespace: string;

  beforeAll(async () => {
    cluster = await startCluster();
    namespace = await namespaceOnEveryMaster(cluster, PARTITIONS);
    redis = clusterClient(cluster);
    subscriber = clusterClient(cluster, 'subscriber');
    hub = await createEventHub(subscriber, namespace, PARTITIONS);
  }, 90_000);
  afterAll(async () => {
    redis?.disconnect();
    subscriber?.disconnect();
    await cluster?.stop();
  });

  it('runs a turn through every script for sessions on every master, announcing on the owning shard', async () => {
    const opts = { redis, namespace, partitions: PARTITIONS, ttlSeconds: 600 };
    const store = createSessionStore(opts);
    const pipeline = createPipelineStore(opts);
    const masterOf = await partitionMasters(cluster, namespace, PARTITIONS);

    // one session per partition, so every master holds several
    const sessions: string[] = [];
    const covered = new Set<number>();
    while (covered.size < PARTITIONS) {
      const s = await store.create('t', { systemPrompt: 'be brief' });
      const p = store.keysOf(s.id).partition;
      if (!covered.has(p)) { covered.add(p); sessions.push(s.id); }
    }
    expect(new Set(sessions.map((id) => masterOf[store.keysOf(id).partition])).size).toBe(3);

    for (const sid of sessions) {
      const partition = store.keysOf(sid).partition;
      const first = await store.submit('t', sid, { content: 'hello', idempotencyKey: 'k1', maxPending: 10, replyTo: hub.replyChannelOf(partition) });
      if (first.kind !== 'created' || !first.dispatch) throw new Error(`submit: ${first.kind}`);
      expect((await store.submit('t', sid, { content: 'hello', idempotencyKey: 'k1', maxPending: 10 })).kind).toBe('duplicate');
      const second = await store.submit('t', sid, { content: 'second', maxPending: 10 });
      const third = await store.submit('t', sid, { content: 'third', maxPending: 10 });
      if (second.kind !== 'created' || third.kind !== 'created') throw new Error('submit');
      expect((await store.cancel('t', third.turn.turnId)).kind).toBe('cancelled');

      const t1: TurnRef = first.dispatch;
      const channel = store.channelOf(t1.turnId)!;
      const heard: StreamEvent[] = [];
      const unsubscribe = await hub.subscribe(channel, (e) => heard.push(e));
      const replied = hub.awaitReply(channel, 10_000);

      expect((await pipeline.start(t1)).kind).toBe('run');
      expect(await pipeline.commitIntent(t1, SAMPLE_INTENT, 'greeting')).toBe('ok');
      const snap = await pipeline.beginResponse(t1, { maxTokens: 10_000, maxMessages: 100 });
      if (typeof snap === 'string') throw new Error(`beginResponse: ${snap}`);
      expect(await pipeline.delta(t1, snap.attempt, 'hi ', snap.nextEventId)).toBe(snap.nextEventId);
      const outcome = await pipeline.commitResponse(t1, {
        attempt: snap.attempt, response: 'hi there', usage: SAMPLE_USAGE, context: SAMPLE_CONTEXT, userTokens: 3, replyTokens: 4, intentLabel: 'greeting', model: 'm',
      });
      expect(outcome?.next?.turnId).toBe(second.turn.turnId);

      // the reply channel and the turn's channel were both heard on the shard that owns them
      expect((await replied)?.[0]).toBe('completed');
      await waitFor(() => heard.some((e) => e.type === 'done'));
      await unsubscribe();
      expect((await store.events(t1.turnId, 0)).map((e) => e.type)).toContain('done');

      const t2 = outcome!.next!;
      expect((await pipeline.start(t2)).kind).toBe('run');
      expect(await pipeline.probeActive(sid)).toMatchObject({ seq: t2.seq });
      expect(await pipeline.addRateLimitWait(t2, 5)).toBe(5);
      expect((await pipeline.fail(t2, { code: 'llm_error', message: 'boom' }))?.next).toBeNull();
      expect(await pipeline.releaseEnded(t2)).toBeNull(); // the failure already handed the session on

      expect((await store.getTurn('t', t1.turnId))?.status).toBe('completed');
      expect((await store.get('t', sid))?.messageCount).toBe(2);
      const page = await store.messages('t', sid, { limit: 10 });
      expect(typeof page === 'object' && page.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      const forSummary = await pipeline.readForSummary(sid, 0);
      expect(forSummary?.messages).toHaveLength(2);
      expect(await pipeline.commitSummary(sid, { expectedCovers: 0, newCovers: 2, text: 'greeted', tokens: 2, foldedTokens: 7 })).toBe('ok');
      expect((await pipeline.staleInflight(partition, 0, 10)).sessionIds).not.toContain(sid); // released
    }
    for (const sid of sessions) expect(await store.remove('t', sid)).toBe(true);

    // every script was loaded (so run) on some master of the cluster: none was left out of this test
    const masters = await cluster.masters();
    const loaded = new Map<string, boolean>();
    for (const m of masters) {
      const c = new IORedis(m.port, '127.0.0.1');
      const names = Object.keys(SCRIPTS);
      const shas = Object.values(SCRIPTS).map((lua) => createHash('sha1').update(shardedVariant(lua)).digest('hex'));
      const exists = (await c.call('SCRIPT', 'EXISTS', ...shas)) as number[];
      names.forEach((n, i) => loaded.set(n, (loaded.get(n) ?? false) || exists[i] === 1));
      c.disconnect();
    }
    expect([...loaded].filter(([, ran]) => !ran).map(([n]) => n)).toEqual([]);
  }, 120_000);
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}
