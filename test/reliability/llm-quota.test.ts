import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { metricValue, until } from '../support';

const QUOTA_BODY = JSON.stringify({
  error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
});
const RATE_LIMIT_BODY = JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
const MAX_WAIT_MS = 1500;

/**
 * A 429 that never clears must not hold a session for good (README, "Reliability", provider 429s). A
 * real HTTP server stands in for the provider: answering 429 `insufficient_quota` the turn fails at once
 * with `llm_quota` (one model call, no pause); answering a plain 429 forever, the turn honours each
 * Retry-After until its waits pass TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS, then fails with `llm_rate_limited`.
 * Both show in turnq_llm_errors_total, and the session goes on with its next turn either way.
 */
describe('a provider that answers 429 for good', () => {
  let mode: 'quota' | 'rate_limit' = 'quota';
  const calls: Array<{ at: number; mode: string }> = [];
  const provider = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push({ at: Date.now(), mode });
      if (mode === 'quota') res.writeHead(429, { 'content-type': 'application/json' }).end(QUOTA_BODY);
      else res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '400' }).end(RATE_LIMIT_BODY);
    });
  });
  let stack: Stack;
  let api: ReturnType<typeof client>;
  const metrics = async () => (await fetch(`http://127.0.0.1:${stack.of('response-worker')[0].metricsPort}/metrics`)).text();

  beforeAll(async () => {
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    stack = await startStack({
      simulator: false,
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: {
        OPENAI_BASE_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`, OPENAI_API_KEY: 'sk-test',
        TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS: String(MAX_WAIT_MS), TURNQ_JOB_ATTEMPTS: '4', TURNQ_JOB_BACKOFF_MS: '100',
      },
    });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    provider.closeAllConnections();
    await new Promise((r) => provider.close(r));
  });

  it('fails a turn at once with llm_quota on 429 insufficient_quota, and the session goes on', async () => {
    mode = 'quota';
    calls.length = 0;
    const s = await api.session();
    const first = (await api.submit(s.id, 'hello')).json; // a keyword intent: the only model call is the reply
    const second = (await api.submit(s.id, 'hello again')).json;
    const failed = await api.waitTurn(first.turnId, 30_000);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'llm_quota' } });
    expect(failed.error.message).toContain('exceeded your current quota');
    expect((await api.waitTurn(second.turnId, 30_000)).error.code).toBe('llm_quota');
    expect(calls).toHaveLength(2); // one call per turn: no pause, no retry
    expect(metricValue(await metrics(), 'turnq_llm_errors_total', { error_type: 'quota' })).toBe(2);
  });

  it('honours Retry-After until the turn has waited TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS, then fails it with llm_rate_limited', async () => {
    mode = 'rate_limit';
    calls.length = 0;
    const s = await api.session();
    const turn = (await api.submit(s.id, 'hello')).json;
    const failed = await api.waitTurn(turn.turnId, 30_000);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'llm_rate_limited' } });
    // 400 ms per pause: waits of 400, 800 and 1200 ms are within the 1500 allowed, the fourth 429 is past it
    expect(calls).toHaveLength(4);
    calls.slice(1).forEach((c, i) => expect(c.at - calls[i].at).toBeGreaterThanOrEqual(390));
    await until('the timeout to be counted', async () =>
      metricValue(await metrics(), 'turnq_llm_errors_total', { error_type: 'rate_limited_timeout' }) === 1);
    expect(metricValue(await metrics(), 'turnq_llm_errors_total', { error_type: 'rate_limit' })).toBe(4);
  });
});
