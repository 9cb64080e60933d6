import { createMetrics } from '#libs/metrics';
import { itWithTool, metricsLintProblems } from '../deploy/find-tool';
import { client } from '../http-client';
import { startStack, type ServiceName, type Stack } from '../start-stack';
import { driveLoad, observabilityEnv, type LoadResult } from './drive-load';

type Service = Exclude<ServiceName, 'llm-sim'>;

/**
 * Every metric of the contract's table (and the dashboard's sessions counter), with the services that
 * record it: after the load each of them must hold a sample, and for counters and histograms a non-zero
 * one, since prom-client exports an unlabeled series as 0 before anything happened.
 */
const owners: Record<string, Service[]> = {
  turnq_turn_duration_seconds: ['response-worker'],
  turnq_turn_queue_wait_seconds: ['intent-worker'],
  turnq_turns_total: ['response-worker'],
  turnq_stage_duration_seconds: ['intent-worker', 'response-worker', 'summary-worker'],
  turnq_llm_request_duration_seconds: ['intent-worker', 'response-worker', 'summary-worker'],
  turnq_llm_time_to_first_token_seconds: ['response-worker'],
  turnq_llm_tokens_total: ['intent-worker', 'response-worker', 'summary-worker'],
  turnq_llm_errors_total: ['response-worker'],
  turnq_intent_classifications_total: ['intent-worker'],
  turnq_sentiment_total: ['intent-worker'],
  turnq_context_tokens_total: ['response-worker'],
  turnq_context_compression_ratio: ['response-worker'],
  turnq_summarizations_total: ['summary-worker'],
  turnq_jobs_total: ['intent-worker', 'response-worker', 'summary-worker'],
  turnq_job_retries_total: ['response-worker'],
  turnq_queue_jobs: ['gateway'],
  turnq_sessions_with_pending_turns: ['gateway'],
  turnq_http_request_duration_seconds: ['gateway'],
  turnq_sessions_created_total: ['gateway'],
  turnq_memory_extractions_total: ['memory-worker'],
  turnq_memory_changes_total: ['memory-worker'],
  turnq_memory_retrieval_seconds: ['response-worker'],
  turnq_memory_tokens_total: ['response-worker'],
};

interface Exposition { types: Map<string, string>; samples: Array<{ name: string; value: number }> }

function parse(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Exposition['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})? (\S+)$/.exec(line);
    if (sample) samples.push({ name: sample[1], value: Number(sample[2]) });
  }
  return { types, samples };
}

/** Whether `metric` has a sample that shows it was recorded (any for a gauge, > 0 otherwise). */
function recorded(e: Exposition, metric: string): boolean {
  const type = e.types.get(metric);
  if (type === 'gauge') return e.samples.some((s) => s.name === metric);
  const series = type === 'histogram' ? `${metric}_count` : metric;
  return e.samples.some((s) => s.name === series && s.value > 0);
}

describe('/metrics of every service after a few turns', () => {
  let stack: Stack;
  let load: LoadResult;
  const scraped = new Map<Service, string>();

  beforeAll(async () => {
    stack = await startStack({ env: observabilityEnv, workers: { 'memory-worker': 1 } });
    const sessions = 3;
    load = await driveLoad(stack, { sessions, turnsPerSession: 5, spreadMs: 0 });
    const url = (s: Service) => (s === 'gateway' ? `${stack.baseUrl}/metrics` : `http://127.0.0.1:${stack.of(s)[0].metricsPort}/metrics`);
    // A memory job runs only once its turn has committed, and the load sends each session's next turn
    // at once, so the load's own later turns can all be answered before the memory they could recall is
    // stored. Once the memory worker has stored some, each load user asks one more turn: its prompt
    // carries the user's memories, which the response worker counts as memory tokens.
    for (const end = Date.now() + 60_000; ;) {
      if (recorded(parse(await (await fetch(url('memory-worker'))).text()), 'turnq_memory_changes_total') || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const api = client(stack.baseUrl);
    for (let s = 0; s < sessions; s++) {
      const { id } = await api.session({ systemPrompt: 'You are a concise tutor.', userId: `load-user-${s}` });
      const t = await api.submit(id, '제 이름이 뭐였죠? 기억하시나요?', '?wait=30');
      const ended = t.status === 200 ? t.json : await api.waitTurn(t.json.turnId);
      load.statuses.push(ended.status);
    }
    // Summary and memory jobs run after the turn that queued them has answered; wait for each to be
    // counted, the summary both as a summarization and (a moment later, when BullMQ reports the job
    // done) as a finished job, and the memory as an extraction and as memory tokens in a later prompt.
    for (const end = Date.now() + 60_000; ;) {
      for (const s of ['gateway', 'intent-worker', 'response-worker', 'summary-worker', 'memory-worker'] as const) scraped.set(s, await (await fetch(url(s))).text());
      const summary = parse(scraped.get('summary-worker')!);
      const settled = recorded(summary, 'turnq_summarizations_total') && recorded(summary, 'turnq_jobs_total')
        && recorded(parse(scraped.get('memory-worker')!), 'turnq_memory_changes_total')
        && recorded(parse(scraped.get('response-worker')!), 'turnq_memory_tokens_total');
      if (settled || Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('ran the paths the metrics describe: completed, failed, keyword, LLM and fallback turns', () => {
    expect(new Set(load.statuses)).toEqual(new Set(['completed', 'failed']));
    expect(new Set(load.intentMethods)).toEqual(new Set(['keyword', 'llm', 'fallback']));
  });

  it('the simulator has no /metrics, so it is not checked (it is test equipment, not a turnq service)', async () => {
    expect((await fetch(`${stack.simUrl}/metrics`)).status).toBe(404);
  });

  itWithTool('promtool')('passes promtool check metrics on every service, except prom-client\'s three known lines', () => {
    for (const [service, text] of scraped) {
      const lint = metricsLintProblems(text);
      expect([service, lint.ran, lint.problems]).toEqual([service, true, []]);
    }
  });

  it('knows an owner for every turnq metric but the stall counter (jobs-stalled.test.ts kills a worker for that)', () => {
    const names = createMetrics({ service: 'x', defaultMetrics: false }).registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name);
    expect(Object.keys(owners).sort()).toEqual(names.filter((n) => n !== 'turnq_jobs_stalled_total').sort());
  });

  it('holds a recorded sample of every contract metric in each service that owns it', () => {
    const missing = Object.entries(owners).flatMap(([metric, services]) =>
      services.filter((s) => !recorded(parse(scraped.get(s)!), metric)).map((s) => `${s}: ${metric}`));
    expect(missing).toEqual([]);
  });

  it('labels every sample with its own service, and no metric with an id', () => {
    for (const [service, text] of scraped) {
      const turnq = text.split('\n').filter((l) => l.startsWith('turnq_'));
      expect(turnq.length).toBeGreaterThan(20);
      expect(turnq.filter((l) => !l.includes(`service="${service}"`))).toEqual([]);
      expect(turnq.filter((l) => /(session|turn|job|user)_?id=|[0-9a-f]{8}-[0-9a-f]{4}-/i.test(l))).toEqual([]);
    }
  });
});
