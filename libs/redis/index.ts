export { createRedis, isRedisUnavailable, type Redis } from './create-redis';
export { spawnRedis, pingRedis, freePort, type SpawnedRedis } from './spawn-redis';
