import { parseArgs } from 'node:util';
import { createRedis, spawnRedis, type Redis, type SpawnedRedis } from '#libs/redis';
import { createPipelineStore, createSessionStore, type TurnRef } from '#libs/session';
import { median } from '../loadtest/percentiles';
import { commandCounts, redisCpuSeconds, scriptMicros } from './redis-stats';

/**
 * `npm run bench:scripts`: what each session script of a turn costs redis-server, one script at a time.
 * Drives `sessions` sessions through `rounds` turns with the stores the services use (no workers, no
 * BullMQ, no LLM): every session's SUBMIT, then every START, and so on, `concurrency` calls in flight.
 * Per script: Redis's own time per call (INFO commandstats, EVALSHA usec), the commands it runs, and
 * redis-server's CPU per call (INFO CPU over the phase: also reading the calls and writing the replies).
 * Only redis-server's work is measured, so the numbers hold on a busy machine far better than the full
 * bench's; the first `warmup` turns of each session fill its records and are not counted.
 */
const PHASES = ['submit', 'start', 'commitIntent', 'beginResponse', 'commitResponse'] as const;
type Phase = (typeof PHASES)[number];

const INPUT = '주문한 상품이 아직 도착하지 않았어요. 배송 조회를 해도 업데이트가 없는데 언제쯤 받을 수 있을까요?';
const REPLY = 'I am sorry the delivery is late. '.repeat(14) + '배송 상황을 확인해 드릴게요.';

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: {
    sessions: { type: 'string' }, rounds: { type: 'string' }, warmup: { type: 'string' }, concurrency: { type: 'string' },
    'redis-url': { type: 'string' }, help: { type: 'boolean', short: 'h' },
  } });
  if (values.help) {
    console.log('usage: npm run bench:scripts -- [--sessions 2000] [--rounds 3] [--warmup 2] [--concurrency 64] [--redis-url <url>]');
    return 0;
  }
  const n = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const sessions = n(values.sessions, 2000), rounds = n(values.rounds, 3), warmup = n(values.warmup, 2), concurrency = n(values.concurrency, 64);
  if (![sessions, rounds, concurrency].every((x) => Number.isInteger(x) && x > 0) || !Number.isInteger(warmup) || warmup < 0) {
    console.error('bench:scripts: --sessions, --rounds and --concurrency take positive integers, --warmup a whole number');
    return 2;
  }
  let own: SpawnedRedis | null = null;
  const redisUrl = values['redis-url'] ?? (own = await spawnRedis({ appendonly: true })).url;
  const redis = createRedis(redisUrl, 'worker');
  try {
    const rows = await measureScriptCost(redis, { sessions, rounds, warmup, concurrency });
    console.log(`redis-server per session-script call · ${sessions} sessions · turns ${warmup + 1}–${warmup + rounds} of each · ${concurrency} in flight (median of ${rounds} rounds)`);
    console.log(`${'script'.padEnd(16)} ${'µs per call'.padStart(12)} ${'commands'.padStart(9)} ${'CPU µs per call'.padStart(16)}`);
    const sum = { usPerCall: 0, commandsPerCall: 0, cpuUsPerCall: 0 };
    for (const r of rows) {
      sum.usPerCall += r.usPerCall; sum.commandsPerCall += r.commandsPerCall; sum.cpuUsPerCall += r.cpuUsPerCall;
      console.log(line(r.script, r));
    }
    console.log(line('a turn', sum));
    return 0;
  } finally {
    redis.disconnect();
    await own?.stop();
  }
}

export interface ScriptCost { script: Phase; usPerCall: number; commandsPerCall: number; cpuUsPerCall: number }

/** The measurement itself, on a Redis of the caller's (nothing else should be using it meanwhile). */
export async function measureScriptCost(redis: Redis, o: { sessions: number; rounds: number; warmup: number; concurrency: number }): Promise<ScriptCost[]> {
  const { sessions, rounds, warmup, concurrency } = o;
  const namespace = `sc${process.pid}${Math.random().toString(36).slice(2, 6)}`;
  const opts = { redis, namespace, partitions: 1, ttlSeconds: 3600 };
  const store = createSessionStore(opts);
  const pipeline = createPipelineStore(opts);
  const ids: string[] = [];
  await pool(Array.from({ length: sessions }, (_, i) => i), concurrency, async () => {
    ids.push((await store.create('bench', { systemPrompt: 'You are a helpful support agent.' })).id);
  });
  const totals = new Map<Phase, Array<Omit<ScriptCost, 'script'>>>();
  for (let r = 0; r < warmup + rounds; r++) {
    const refs = new Map<string, TurnRef>();
    const phase = async (name: Phase, fn: (sessionId: string, i: number) => Promise<unknown>) => {
      const before = await stats(redis);
      await pool(ids, concurrency, fn);
      const after = await stats(redis);
      if (r < warmup) return;
      const calls = after.evalshaCalls - before.evalshaCalls;
      const row = { usPerCall: (after.evalshaUs - before.evalshaUs) / calls, commandsPerCall: (after.commands - before.commands) / calls, cpuUsPerCall: ((after.cpu - before.cpu) * 1e6) / calls };
      totals.set(name, [...(totals.get(name) ?? []), row]);
    };
    // odd sessions wait on the turn (?wait names a reply channel), as half the full bench's users do
    await phase('submit', async (id, i) => {
      const s = await store.submit('bench', id, { content: INPUT, maxPending: 20, replyTo: i % 2 ? `${namespace}:reply:${id}` : undefined });
      if (s.kind !== 'created') throw new Error(`submit: ${s.kind}`);
      refs.set(id, { sessionId: id, seq: s.turn.seq, turnId: s.turn.turnId, partition: 0 });
    });
    await phase('start', (id) => pipeline.start(refs.get(id)!));
    await phase('commitIntent', (id) => pipeline.commitIntent(refs.get(id)!, { label: 'complaint', confidence: 0.92, method: 'keyword' }, 'resolving',
      { label: 'negative', intensity: 0.6, method: 'keyword' }));
    const attempts = new Map<string, number>();
    await phase('beginResponse', async (id) => {
      const snap = await pipeline.beginResponse(refs.get(id)!, { maxTokens: 16_000, maxMessages: 400 });
      if (typeof snap === 'string') throw new Error(`beginResponse: ${snap}`);
      attempts.set(id, snap.attempt);
    });
    await phase('commitResponse', async (id) => {
      const done = await pipeline.commitResponse(refs.get(id)!, {
        attempt: attempts.get(id)!, response: REPLY, usage: { promptTokens: 420, completionTokens: 130, totalTokens: 550 },
        context: { originalTokens: 420, keptTokens: 420, compressionRatio: 1, messagesTotal: 8, messagesKept: 8, summaryUsed: false, memories: 0, tone: null },
        userTokens: 31, replyTokens: 130, intentLabel: 'complaint', model: 'gpt-4o-mini', tail: REPLY, deltaLengths: [REPLY.length],
      });
      if (!done) throw new Error('commitResponse refused');
    });
  }
  return PHASES.map((script) => {
    const rows = totals.get(script)!;
    return { script, usPerCall: median(rows.map((x) => x.usPerCall))!, commandsPerCall: median(rows.map((x) => x.commandsPerCall))!, cpuUsPerCall: median(rows.map((x) => x.cpuUsPerCall))! };
  });
}

function line(name: string, r: Omit<ScriptCost, 'script'>): string {
  return `${name.padEnd(16)} ${r.usPerCall.toFixed(1).padStart(12)} ${r.commandsPerCall.toFixed(1).padStart(9)} ${r.cpuUsPerCall.toFixed(1).padStart(16)}`;
}

async function stats(redis: Redis): Promise<{ evalshaCalls: number; evalshaUs: number; commands: number; cpu: number }> {
  const [counts, evalshaUs, cpu] = await Promise.all([commandCounts(redis), scriptMicros(redis), redisCpuSeconds(redis)]);
  let commands = 0;
  for (const [name, n] of counts) if (name !== 'info') commands += n; // 'info': this probe's own
  return { evalshaCalls: counts.get('evalsha') ?? 0, evalshaUs, commands, cpu };
}

async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i); }
  }));
}


if (require.main === module) main(process.argv.slice(2)).then((code) => process.exit(code), (err) => { console.error(err); process.exit(1); });
