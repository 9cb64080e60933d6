import { join } from 'node:path';
import { classifyByKeywords, DEFAULT_KEYWORD_THRESHOLD, loadIntentTables } from '#libs/intent';
import { findTool } from '../deploy/find-tool';
import { baseNamespace, baseObjects, pendingWorkQueries } from '../deploy/k8s-objects';
import { dashboardPanelExpressions, repoRoot, ruleFiles, rulesOf } from '../deploy/promql-expressions';
import { startStack, type Stack } from '../start-stack';
import { client } from '../http-client';
import { classifierTurns, driveLoad, observabilityEnv, simConfig, type LoadResult } from './drive-load';
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
/** What KEDA asks Prometheus for each worker (deploy/k8s), keyed by the worker it scales. */
const kedaQueries = pendingWorkQueries(baseObjects()).map((q) => ({ worker: q.scaledObject, where: `ScaledObject ${q.scaledObject}`, expr: q.expr }));

/**
 * The deploy files against live data: a real Prometheus scrapes a stack under a short load with the
 * shipped rules loaded, and every dashboard panel, recording rule and KEDA query must return data.
 * Every panel has data under this load; nothing is excused. Targets carry the `namespace` label that
 * prometheus-operator adds in Kubernetes, which the KEDA queries select on.
 */
describeWithPrometheus('dashboards, recording rules and KEDA queries on a real Prometheus scraping a loaded stack', () => {
  let stack: Stack;
  let prom: RunningPrometheus;
  let load: LoadResult;

  beforeAll(async () => {
    stack = await startStack({ env: observabilityEnv, workers: { 'memory-worker': 1 } });
    const worker = (s: 'intent-worker' | 'response-worker' | 'summary-worker' | 'memory-worker') => stack.of(s).map((p) => `127.0.0.1:${p.metricsPort}`);
    prom = await startPrometheus({
      targets: {
        gateway: [stack.baseUrl.replace('http://', '')],
        'intent-worker': worker('intent-worker'),
        'response-worker': worker('response-worker'),
        'summary-worker': worker('summary-worker'),
        'memory-worker': worker('memory-worker'),
      },
      ruleFiles,
      labels: { namespace: baseNamespace() },
    });
    await waitFor(async () => ((await prom.query('sum(up)')).data?.result as Vector[] | undefined)?.[0]?.value[1] === '5');
    load = await driveLoad(stack, { sessions: 4, turnsPerSession: 8, spreadMs: 10_000 });
  }, 180_000);
  afterAll(async () => {
    await prom?.stop();
    await stack?.stop();
  });

  it('finds the panels and rules it evaluates, and the load ran its failure paths', () => {
    expect(panels.length).toBeGreaterThan(30);
    expect(records.length).toBeGreaterThan(8);
    expect(kedaQueries.map((q) => q.worker)).toEqual(expect.arrayContaining(['intent-worker', 'response-worker', 'summary-worker']));
    expect(load.statuses.length).toBeGreaterThan(30);
    expect(load.statuses).toContain('failed');
    expect(new Set(load.intentMethods)).toEqual(new Set(['keyword', 'llm', 'fallback']));
  });

  it('scrapes every service', async () => {
    const up = (await prom.query('up')).data?.result as Vector[];
    expect(up.map((v) => [v.metric.job, v.value[1]]).sort()).toEqual(
      [['gateway', '1'], ['intent-worker', '1'], ['memory-worker', '1'], ['response-worker', '1'], ['summary-worker', '1']]);
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

  it('returns data for every dashboard panel expression, recording rule and KEDA query', async () => {
    const all = [...panels, ...records, ...kedaQueries];
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

  it('answers each KEDA query with the one number its Prometheus scaler needs (it rejects several)', async () => {
    for (const { where, expr } of kedaQueries) {
      const res = await prom.query(expr);
      expect([where, res.status, res.data?.result.length]).toEqual([where, 'success', 1]);
      const value = Number((res.data!.result[0] as Vector).value[1]);
      expect([where, Number.isFinite(value) && value >= 0]).toEqual([where, true]);
    }
  });

  it('counts in each stage\'s KEDA query the turns a slow model holds in that stage, and nothing once they end', async () => {
    const value = async (worker: string): Promise<number> => {
      const res = await prom.query(kedaQueries.find((q) => q.worker === worker)!.expr);
      return Number((res.data?.result as Vector[] | undefined)?.[0]?.value[1]);
    };
    // every one of them must need the LLM: a turn the keywords decide never waits in the intent stage
    const tables = loadIntentTables();
    expect(classifierTurns.map((t) => classifyByKeywords(t, tables, DEFAULT_KEYWORD_THRESHOLD))).toEqual(classifierTurns.map(() => null));
    const api = client(stack.baseUrl);
    const n = 4;
    // 4 s per LLM call: each turn (no keyword matches it) is held by the classifier, then by the reply.
    await simConfig(stack, { latencyMs: 4000 });
    try {
      const turns = await Promise.all(Array.from({ length: n }, async (_, i) => {
        const { id } = await api.session();
        const t = await api.submit(id, classifierTurns[i % classifierTurns.length]);
        expect(t.status).toBe(202);
        return t.json.turnId as string;
      }));
      await waitFor(async () => (await value('intent-worker')) === n, 20_000);
      await waitFor(async () => (await value('response-worker')) === n, 20_000);
      for (const t of turns) expect((await api.waitTurn(t)).status).toBe('completed');
    } finally {
      await simConfig(stack, { latencyMs: Number(observabilityEnv.LLM_SIM_LATENCY_MS) });
    }
    await waitFor(async () => (await value('intent-worker')) === 0 && (await value('response-worker')) === 0);
  }, 60_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
