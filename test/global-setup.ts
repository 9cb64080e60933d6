import { execSync } from 'node:child_process';
import { REDIS_TUNING, spawnRedis, pingRedis } from '../libs/redis/spawn-redis';

/**
 * Provides a real Redis for the whole run: REDIS_URL when it is set, else a container when a Docker
 * engine answers, else a private redis-server on a free port. Tests read it from process.env.REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    if (!(await pingRedis(process.env.REDIS_URL))) throw new Error(`REDIS_URL=${process.env.REDIS_URL} does not answer PING`);
    return;
  }
  if (dockerAnswers()) {
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379)
      .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', ...REDIS_TUNING]).start();
    process.env.REDIS_URL = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
    (globalThis as Record<string, unknown>).__turnqStop = () => container.stop();
    return;
  }
  const redis = await spawnRedis();
  process.env.REDIS_URL = redis.url;
  (globalThis as Record<string, unknown>).__turnqStop = () => redis.stop();
}

function dockerAnswers(): boolean {
  try {
    execSync('docker info', { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
