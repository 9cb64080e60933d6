import { createRedis, type Redis } from '#libs/redis';
import { measureScriptCost } from './script-cost';

let redis: Redis;
beforeAll(() => { redis = createRedis(process.env.REDIS_URL!, 'worker'); });
afterAll(async () => { await redis.quit(); });

test('measures every script of a turn: the commands it runs and the time Redis spent in it', async () => {
  const rows = await measureScriptCost(redis, { sessions: 8, rounds: 1, warmup: 1, concurrency: 4 });
  expect(rows.map((r) => r.script)).toEqual(['submit', 'start', 'commitIntent', 'beginResponse', 'commitResponse']);
  for (const r of rows) {
    expect(r.usPerCall).toBeGreaterThan(0);
    expect(r.cpuUsPerCall).toBeGreaterThan(0);
  }
  // the call itself and its inner commands: START reads the session and the turn, takes TIME, writes, emits
  const commands = Object.fromEntries(rows.map((r) => [r.script, r.commandsPerCall]));
  expect(commands.start).toBeGreaterThanOrEqual(5);
  expect(commands.commitResponse).toBeGreaterThan(commands.start);
});
