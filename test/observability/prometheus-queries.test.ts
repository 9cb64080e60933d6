import { join } from 'node:path';
import { findTool } from '../deploy/find-tool';
import { dashboardPanelExpressions, repoRoot, ruleFiles, rulesOf } from '../deploy/promql-expressions';
import { startStack, type Stack } from '../start-stack';
import { driveLoad, observabilityEnv, type LoadResult } from './drive-load';
import { startPrometheus, type RunningPrometheus } from './start-prometheus';

interface Rules { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } }
interface Vector { metric: Record<string, string>; value: [number, string] }

// The prometheus binary ships in the same Debian package as promtool (test/deploy/find-tool.ts).
const prometheus = findTool('promtool');
if (prometheus.skipReason) console.warn(prometheus.skipReason);
const describeWithPrometheus = prometheus.skipReason ? describe.skip : describe;

const panels = dashboardPanelExpressions().map((p) => ({ where: `${p.file} "${p.panel}"`, expr: p.expr }));
const records = rulesOf(join(repoRoot, 'deploy/prometheus/rules.yml'))
  .filter((r) => r.kind === 'record').map((r) => ({ where: `record ${r.name}`, expr: r.expr }));

/**
 * The deploy files against live data: a real Prometheus scrapes a stack under a short load with the
 * shipped rules loaded, and every dashboard panel and recording rule must return data. Every panel has
 * data under this load; nothing is excused.
 */
describeWithPrometheus('dashboards and recording rules on a real Prometheus scraping a loaded stack', () => {
  let stack: Stack;
  let prom: RunningPrometheus;
  let load: LoadResult;

  beforeAll(async () => {
    stack = await startStack({ env: observabilityEnv });
    const worker = (s: 'intent-worker' | 'response-worker' | 'summary-worker') => stack.of(s).map((p) => `127.0.0.1:${p.metricsPort}`);
    prom = await startPrometheus({
      targets: {
        gateway: [stack.baseUrl.replace('http://', '')],
        'intent-worker': worker('intent-worker'),
        'response-worker': worker('response-worker'),
        'summary-worker': worker('summary-worker'),
      },
      ruleFiles,
    });
    await waitFor(async () => ((await prom.query('sum(up)')).data?.result as Vector[] | undefined)?.[0]?.value[1] === '4');
    load = await driveLoad(stack, { sessions: 4, turnsPerSession: 8, spreadMs: 10_000 });
  }, 180_000);
  afterAll(async () => {
    await prom?.stop();
    await stack?.stop();
  });

  it('finds the panels and rules it evaluates, and the load ran its failure paths', () => {
    expect(panels.length).toBeGreaterThan(30);
    expect(records.length).toBeGreaterThan(8);
    expect(load.statuses.length).toBeGreaterThan(30);
    expect(load.statuses).toContain('failed');
    expect(new Set(load.intentMethods)).toEqual(new Set(['keyword', 'llm', 'fallback']));
  });

  it('scrapes every service', async () => {
    const up = (await prom.query('up')).data?.result as Vector[];
    expect(up.map((v) => [v.metric.job, v.value[1]]).sort()).toEqual(
      [['gateway', '1'], ['intent-worker', '1'], ['response-worker', '1'], ['summary-worker', '1']]);
  });

  it('loads every rule and alert of the shipped files and evaluates them without error', async () => {
    const loaded = (await prom.api<Rules>('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
    const shipped = ruleFiles.flatMap((f) => rulesOf(f));
    expect(loaded.map((r) => r.name).sort()).toEqual(shipped.map((r) => r.name).sort());
    await waitFor(async () => (await prom.api<Rules>('/api/v1/rules')).data.groups.every((g) => g.rules.every((r) => r.health !== 'unknown')));
    const unhealthy = (await prom.api<Rules>('/api/v1/rules')).data.groups.flatMap((g) => g.rules)
      .filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`);
    expect(unhealthy).toEqual([]);
  });

  it('returns data for every dashboard panel expression and every recording rule', async () => {
    const all = [...panels, ...records];
    let empty: string[] = [];
    // A series born late in the load needs two scrapes inside a rate window before rate() has a value.
    await waitFor(async () => {
      empty = [];
      for (const { where, expr } of all) {
        const res = await prom.query(expr);
        if (res.status !== 'success') throw new Error(`${where}: ${res.error}\n${expr}`);
        if ((res.data?.result ?? []).length === 0) empty.push(`${where}: ${expr}`);
      }
      return empty.length === 0;
    }, 20_000).catch(() => undefined);
    expect(empty).toEqual([]);
  }, 40_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
