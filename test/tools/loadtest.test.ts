import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from '../start-stack';
import { runCli } from './run-cli';

const CHARTS = ['processing-time.svg', 'tokens-per-turn.svg', 'cumulative-messages.svg', 'intent-distribution.svg', 'latency-distribution.svg', 'throughput.svg'];

describe('turnq loadtest against a real stack', () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    // Two response workers: the order check must hold when turns of one session can land on either.
    stack = await startStack({ workers: { 'response-worker': 2 }, env: { LLM_SIM_LATENCY_MS: '5', LLM_SIM_TOKENS_PER_SECOND: '4000' } });
    dir = mkdtempSync(join(tmpdir(), 'turnq-loadtest-'));
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a closed-loop mix of SSE and ?wait users with no order violation and writes the whole report', async () => {
    const out = join(dir, 'closed');
    const r = await runCli(['loadtest', '--url', stack.baseUrl, '--users', '6', '--turns', '5', '--think-ms', '20', '--out', out]);
    if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}\n${stack.logs()}`);
    expect(readdirSync(out).sort()).toEqual([...CHARTS, 'index.html', 'report.json'].sort());
    for (const c of CHARTS) expect(readFileSync(join(out, c), 'utf8')).toMatch(/^<svg[^>]*>/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const c of CHARTS) expect(html).toContain(`src="${c}"`);
    expect(html).toContain('<table class="options"><tr><th>url</th>');
    expect(html).not.toContain('{&quot;url&quot;');
    // the report names its directory without the machine's path (out lies outside the working directory here)
    expect(html).toContain('<tr><th>out</th><td>closed</td></tr>');
    expect(html).not.toContain(dir);

    const { summary, turns } = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(summary.order).toMatchObject({ sessionsChecked: 6, turnsChecked: 30, violations: 0 });
    expect(summary.turns).toMatchObject({ submitted: 30, accepted: 30, completed: 30, failed: 0 });
    expect(summary.errors).toEqual({});
    expect(summary.throughput).toBeGreaterThan(0);
    const e2e = summary.latencyMs.endToEnd;
    expect(e2e.p50).toBeGreaterThan(0);
    expect(e2e.p50).toBeLessThanOrEqual(e2e.p99);
    expect(e2e.p99).toBeLessThanOrEqual(e2e.max);
    expect(summary.latencyMs.timeToFirstToken.count).toBe(15); // the SSE half of the users
    expect(summary.latencyMs.queueWait.count).toBe(30);
    expect(summary.tokensPerTurn.total.p50).toBeGreaterThan(summary.tokensPerTurn.completion.p50);
    expect(summary.intents.greeting).toBeGreaterThanOrEqual(6); // every script opens with a greeting
    expect(turns.every((t: { response?: string }) => t.response === undefined)).toBe(true);
    expect(r.stdout).toContain('order check');
    expect(r.stdout).toContain('no violations');
  });

  it('runs open loop at a target rate within a duration limit', async () => {
    const out = join(dir, 'open');
    const r = await runCli(['loadtest', '--url', stack.baseUrl, '--users', '4', '--turns', '50', '--rate', '10', '--duration', '2s', '--follow', 'sse', '--out', out]);
    if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const { summary, turns } = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    // a turn is never sent before it was due: client lag is never negative
    expect(turns.filter((t: { sentMs: number; dueMs: number }) => t.sentMs < t.dueMs)).toEqual([]);
    // 10 turns/s for 2 s, round-robin over 4 sessions whose turns queue behind each other.
    expect(summary.turns.submitted).toBeGreaterThanOrEqual(18);
    expect(summary.turns.submitted).toBeLessThanOrEqual(21);
    expect(summary.turns.completed).toBe(summary.turns.submitted);
    expect(summary.order.violations).toBe(0);
  });

  it('refuses bad options with exit code 2 and the usage', async () => {
    const r = await runCli(['loadtest', '--follow', 'carrier-pigeon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--follow');
    expect(r.stderr).toContain('usage: turnq loadtest');
  });
});
