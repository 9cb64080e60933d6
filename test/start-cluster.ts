import IORedis from 'ioredis';
import { createRedis, spawnCluster, type Redis, type SpawnedCluster } from '#libs/redis';
import { partitionTag } from '#libs/session';
import { startStack, type Stack, type StackOptions } from './start-stack';

/**
 * The test Redis Cluster: 3 masters and 3 replicas of Debian's redis-server on free loopback ports
 * (libs/redis/spawn-cluster.ts; `redis-cli --cluster create`, each node in its own directory, AOF on,
 * cluster-node-timeout 2 s, explicit bus ports), healthy when it returns.
 */
export async function startCluster(): Promise<SpawnedCluster> {
  return spawnCluster({ masters: 3, replicasPerMaster: 1 });
}

/** A client of the cluster as services build it from REDIS_CLUSTER_NODES. */
export function clusterClient(cluster: SpawnedCluster, role: 'worker' | 'producer' | 'subscriber' = 'worker'): Redis {
  return createRedis({ redisUrl: 'redis://unused', redisClusterNodes: cluster.seeds.split(',') }, role);
}

/** The slot of a key, as the cluster computes it. */
export async function slotOf(cluster: SpawnedCluster, key: string): Promise<number> {
  const c = new IORedis(cluster.nodes[0].port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await c.connect();
    return Number(await c.call('CLUSTER', 'KEYSLOT', key));
  } finally {
    c.disconnect();
  }
}

/** Port of the master serving each partition's hash tag now. */
export async function partitionMasters(cluster: SpawnedCluster, namespace: string, partitions: number): Promise<number[]> {
  const out = [];
  for (let p = 0; p < partitions; p++) out.push((await cluster.masterOf(await slotOf(cluster, partitionTag(namespace, p)))).port);
  return out;
}

/**
 * A fresh namespace whose `partitions` hash tags land on every master, so a test spreads sessions over
 * all of them whatever the slots of a random name happen to be.
 */
export async function namespaceOnEveryMaster(cluster: SpawnedCluster, partitions: number): Promise<string> {
  const masters = (await cluster.masters()).length;
  for (;;) {
    const ns = `k${Math.random().toString(36).slice(2, 8)}`;
    if (new Set(await partitionMasters(cluster, ns, partitions)).size === masters) return ns;
  }
}

/** The partition count the cluster tests run with: several per master, as the issue asks (12 over 3). */
export const CLUSTER_PARTITIONS = 12;

export interface ClusterStack { cluster: SpawnedCluster; stack: Stack; stop(): Promise<void> }

/**
 * A test cluster and a whole stack on it through REDIS_CLUSTER_NODES, with CLUSTER_PARTITIONS spread
 * over every master and TURNQ_WAIT_REPLICAS=1. `env` adds to (or overrides) the settings every
 * cluster test shares.
 */
export async function startClusterStack(opts: Pick<StackOptions, 'workers' | 'env'> = {}): Promise<ClusterStack> {
  const cluster = await startCluster();
  try {
    const namespace = await namespaceOnEveryMaster(cluster, CLUSTER_PARTITIONS);
    const stack = await startStack({
      namespace,
      workers: opts.workers,
      env: {
        REDIS_CLUSTER_NODES: cluster.seeds, TURNQ_PARTITIONS: String(CLUSTER_PARTITIONS), TURNQ_WAIT_REPLICAS: '1', TURNQ_WAIT_TIMEOUT_MS: '2000',
        // a job whose lock lived on a killed master is found stalled sooner than with the production 30 s;
        // 5 s locks were too short on the loaded 2-core box: jobs stalled twice and their turns failed
        TURNQ_LOCK_DURATION_MS: '15000', TURNQ_STALLED_INTERVAL_MS: '5000',
        LLM_SIM_LATENCY_MS: '5', LLM_SIM_LATENCY_JITTER_MS: '40', LLM_SIM_TOKENS_PER_SECOND: '0',
        ...opts.env,
      },
    });
    return { cluster, stack, async stop() { await stack.stop(); await cluster.stop(); } };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
