export { createRedis, describeRedis, isRedisUnavailable, type Redis, type RedisTarget } from './create-redis';
export { spawnRedis, pingRedis, freePort, type SpawnedRedis } from './spawn-redis';
export { spawnCluster, type SpawnedCluster, type ClusterNodeProcess } from './spawn-cluster';
export { waitReplicas } from './wait-replicas';
export { serverTimeMs } from './server-time';
