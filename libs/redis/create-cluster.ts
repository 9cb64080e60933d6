import { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A seed node of REDIS_CLUSTER_NODES, with what its URL says about credentials and TLS. */
interface Seed { host: string; port: number; username?: string; password?: string; tls: boolean }

export function parseClusterNode(node: string): Seed {
  if (/^rediss?:\/\//.test(node)) {
    const u = new URL(node);
    return {
      host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port), tls: u.protocol === 'rediss:',
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
    };
  }
  const i = node.lastIndexOf(':');
  return { host: node.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(node.slice(i + 1)), tls: false };
}

/**
 * An ioredis Cluster over the seed nodes, with `options` (what createRedis would give a single
 * connection) applied to the connection of every node. Credentials and TLS come from the first URL
 * that has them (every node of a cluster shares them). With TLS, host names are passed through
 * instead of being resolved to addresses, so certificates are checked against the names they carry.
 */
export function createCluster(nodes: string[], options: RedisOptions, cluster: ClusterOptions = {}): Cluster {
  const seeds = nodes.map(parseClusterNode);
  const tls = seeds.some((s) => s.tls);
  const auth = seeds.find((s) => s.password !== undefined || s.username !== undefined);
  // the cluster client owns reconnects and its offline queue; the rest applies per node
  const { retryStrategy, enableOfflineQueue, ...perNode } = options;
  return new Cluster(seeds.map(({ host, port }) => ({ host, port })), {
    redisOptions: {
      ...perNode,
      ...(auth ? { username: auth.username, password: auth.password } : {}),
      ...(tls ? { tls: {} } : {}),
    },
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: true,
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    // A failover takes cluster-node-timeout plus an election: keep asking while the slots move over.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 5000, // CLUSTER SLOTS on a busy node; the default 1 s fails under load
    ...(tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
    ...cluster,
  });
}
