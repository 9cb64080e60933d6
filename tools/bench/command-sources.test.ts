import { createHash } from 'node:crypto';
import { createRedis, type Redis } from '#libs/redis';
import { attributeCommands } from './command-sources';

const LUA = "return redis.call('GET', KEYS[1])";
const sha = createHash('sha1').update(LUA).digest('hex');

describe('attributeCommands', () => {
  let busy: Redis[] = [];
  let redis: Redis;
  let stop = false;
  beforeAll(() => {
    redis = createRedis(process.env.REDIS_URL!, 'worker');
    busy = Array.from({ length: 4 }, () => createRedis(process.env.REDIS_URL!, 'worker'));
    for (const b of busy) void (async () => { while (!stop) await Promise.all(Array.from({ length: 50 }, () => b.get('cs-test:x'))); })().catch(() => undefined);
  });
  afterAll(async () => {
    stop = true;
    await Promise.all([redis, ...busy].map((c) => c.quit()));
  });

  // ioredis's redis.monitor() dies on a busy Redis: the first feed lines arrive with MONITOR's OK, before
  // the connection counts as monitoring, and each is an unhandled "Command queue state error"
  it('names each script call and its inner commands, on a Redis other clients keep busy', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await attributeCommands(process.env.REDIS_URL!, new Map([[sha, 'test script']]), async () => {
        await redis.eval(LUA, 1, 'cs-test:k');
        return 1;
      });
      expect(r.bySource['test script']).toEqual({ calls: 1, inner: { get: 1 }, commands: 2 });
    }
  });
});
