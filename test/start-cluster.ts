import IORedis from 'ioredis';
import { createRedis, spawnCluster, type Redis, type SpawnedCluster } from '#libs/redis';
import { partitionTag } from '#libs/session';

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
