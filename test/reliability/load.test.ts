import { client, type HttpResult } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { expectHistoryOf, metricValue, simConfig, simRequests, until } from '../support';

/**
 * The load test: sessions × 5 turns against the simulator with 200 ms latency and 2
 * response-worker processes, one of them killed with SIGKILL mid-run and restarted — zero lost turns,
 * zero order violations, zero 5xx. CI runs 150 sessions; TURNQ_FULL_LOAD=1 runs the full 1,000.
 * (Latency is 2 s for the moment before the kill, so that the victim surely dies mid-turn.)
 */
const FULL = process.env.TURNQ_FULL_LOAD === '1';
const SESSIONS = FULL ? 1000 : 150;
const TURNS = 5;
const CLIENTS = 64; // sessions driven at once by this test
const CONCURRENCY = 50; // jobs per worker process

describe(`load: ${SESSIONS} sessions × ${TURNS} turns with a response worker killed mid-run`, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 2, 'summary-worker': 1 },
      env: {
        LLM_SIM_LATENCY_MS: '200', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_WORKER_CONCURRENCY: String(CONCURRENCY),
        TURNQ_LOCK_DURATION_MS: '3000', TURNQ_STALLED_INTERVAL_MS: '1000', TURNQ_JOB_BACKOFF_MS: '200',
        TURNQ_RECONCILE_INTERVAL_MS: '1000', TURNQ_RECONCILE_AFTER_MS: '5000',
      },
    });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('loses no turn, keeps every session in order and answers no 5xx', async () => {
    const statuses = new Map<number, number>();
    const api = client(stack.baseUrl);
    const http = async <T = any>(...a: Parameters<typeof api.http>): Promise<HttpResult<T>> => {
      const r = await api.http<T>(...a);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      return r;
    };
    const t0 = Date.now();

    // submit: every session's turns are queued at once, so each session's mailbox orders them
    const submitted: Array<{ id: string; turnIds: string[] }> = [];
    let next = 0;
    const submitting = Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < SESSIONS) {
        const si = next++;
        const s = await http('POST', '/v1/sessions', { body: { userId: `load-${si}` } });
        expect(s.status).toBe(201);
        const turnIds: string[] = [];
        for (let i = 1; i <= TURNS; i++) {
          const r = await http('POST', `/v1/sessions/${s.json.id}/turns`, { body: { content: `session ${si} turn ${i}: 메시지 큐가 어떻게 동작하는지 알려주세요` } });
          expect(r.status).toBe(202);
          turnIds.push(r.json.turnId);
        }
        submitted.push({ id: s.json.id, turnIds });
      }
    }));

    // Kill one response worker mid-run, then restart it. To be sure it dies mid-turn, replies slow down
    // for a moment until more are pending at the simulator than one worker runs at once: then both
    // workers are waiting for some.
    const [victim] = stack.of('response-worker');
    const completedBy = async () => metricValue(await (await fetch(`http://127.0.0.1:${victim.metricsPort}/metrics`)).text(), 'turnq_turns_total', { outcome: 'completed' });
    const pendingReplies = async () => (await simRequests(stack, 300)).filter((r) => r.kind === 'chat' && r.outcome === 'pending').length;
    await until('the victim to have completed some turns', async () => (await completedBy()) >= 20, 120_000, 100);
    await simConfig(stack, { latencyMs: 2000 });
    await until('both workers to be waiting for replies', async () => (await pendingReplies()) > CONCURRENCY, 30_000, 100);
    await stack.kill(victim, 'SIGKILL');
    await simConfig(stack, { latencyMs: 200 });
    const killedMidTurn = await until('a reply the victim was waiting for to be cut off', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'aborted'), 10_000);
    await stack.restart(victim);
    await submitting;

    // every accepted turn ends: completed, in order, each adding its two messages once
    let lost = 0;
    let outOfOrder = 0;
    const deadline = Date.now() + (FULL ? 600_000 : 120_000);
    for (const s of submitted) {
      const turns = [];
      for (const turnId of s.turnIds) {
        for (;;) {
          const r = await http('GET', `/v1/turns/${turnId}`);
          if (['completed', 'failed', 'cancelled'].includes(r.json?.status)) { turns.push(r.json); break; }
          if (Date.now() > deadline) { lost++; break; }
          await new Promise((res) => setTimeout(res, 100));
        }
      }
      if (turns.length !== TURNS) continue;
      expect(turns.map((t) => t.status)).toEqual(Array(TURNS).fill('completed'));
      for (let i = 1; i < turns.length; i++) {
        if (turns[i].seq !== i + 1 || Date.parse(turns[i].startedAt) < Date.parse(turns[i - 1].completedAt)) outOfOrder++;
      }
      const msgs = (await http('GET', `/v1/sessions/${s.id}/messages?limit=200`)).json.messages;
      expectHistoryOf(msgs, turns);
    }
    const seconds = (Date.now() - t0) / 1000;
    console.log(`${SESSIONS * TURNS} turns in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);

    expect(killedMidTurn).toBe(true);
    expect(submitted).toHaveLength(SESSIONS);
    expect({ lost, outOfOrder }).toEqual({ lost: 0, outOfOrder: 0 });
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  }, FULL ? 900_000 : 240_000);
});
