import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

/** Shape only: absolute speed belongs to the benchmark itself, not to a CI machine shared with other jobs. */
describe('turnq bench --quick', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'turnq-bench-')); });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('measures every section and writes bench.json with the four targets judged', async () => {
    const out = join(dir, 'bench.json');
    const r = await runCli(['bench', '--quick', '--redis-url', process.env.REDIS_URL!, '--out', out], {}, 300_000);
    if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const b = JSON.parse(readFileSync(out, 'utf8'));

    expect(b.meta).toMatchObject({ quick: true, node: process.version });
    expect(b.tokenizer.map((t: { library: string }) => t.library)).toEqual(['js-tiktoken (baseline)', 'gpt-tokenizer (turnq)']);
    for (const t of b.tokenizer) expect(t.usPerToken).toBeGreaterThan(0);
    expect(b.rawBullmq.jobsPerSec).toBeGreaterThan(0);
    expect(b.rawBullmq.redisCommandsPerJob.perTurn).toBeGreaterThan(0);

    for (const design of [b.baseline, b.turnq]) {
      expect(design.saturation.turnsPerSec).toBeGreaterThan(0);
      expect(design.saturation.errors).toBe(0);
      expect(design.overheadAtHalfSaturation.latencyMs.p99).toBeGreaterThan(0);
      expect(design.costByLength.map((c: { length: number }) => c.length)).toEqual([10, 100, 400]);
      for (const c of design.costByLength) expect(c.medianMs).toBeGreaterThan(0);
      expect(design.redisCommandsPerTurn.perTurn).toBeGreaterThan(0);
      expect(design.cpuPerTurn.totalMsPerTurn).toBeGreaterThan(0);
      expect(design.overheadAtHalfSaturation.cpuPerTurn.totalMsPerTurn).toBeGreaterThan(0);
      expect(design.memoryPer1000IdleSessions.bytesPer1000.total).toBeGreaterThan(0);
    }
    // The designs differ where the issue says they do: one JSON value per session vs a handful of keys.
    expect(b.baseline.redisCommandsPerTurn.perTurn).toBeLessThan(b.turnq.redisCommandsPerTurn.perTurn);
    expect(Object.keys(b.turnq.memoryPer1000IdleSessions.bytesPer1000)).toEqual(expect.arrayContaining(['sessionKeys', 'eventLists', 'total']));

    expect(b.littlesLaw).toMatchObject({ llmMs: 1000, sessions: 200 });
    expect(b.littlesLaw.measuredTurnsPerSec).toBeGreaterThan(0);
    expect(b.targets.map((t: { name: string }) => t.name)).toEqual(['throughput', 'length', 'overhead', 'little']);
    for (const t of b.targets) expect(typeof t.pass).toBe('boolean');
    expect(r.stdout.match(/^ {2}(PASS|FAIL) {2}/gm)).toHaveLength(4);
  }, 330_000);
});
