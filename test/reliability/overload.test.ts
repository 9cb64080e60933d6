import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { startGatewayReplica, until } from '../support';

const LIMIT = 20;

/**
 * Backpressure and abuse: a session with TURNQ_MAX_PENDING_TURNS queued turns refuses more with 429 and
 * Retry-After (storing nothing), and the per-key request budget TURNQ_RATE_LIMIT_PER_MINUTE is one
 * budget across gateway replicas (Redis-backed), answered 429 with Retry-After once used up. No workers
 * run, so queued turns stay queued.
 */
describe('overload', () => {
  let stack: Stack;
  let replica: Awaited<ReturnType<typeof startGatewayReplica>>;

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 0, 'response-worker': 0, 'summary-worker': 0 },
      env: {
        TURNQ_MAX_PENDING_TURNS: '3', TURNQ_RATE_LIMIT_PER_MINUTE: String(LIMIT),
        TURNQ_API_KEYS: 'key-pressure=pressure,key-a=abuser,key-b=bystander',
      },
    });
    replica = await startGatewayReplica(stack);
  }, 180_000);
  afterAll(async () => {
    await replica?.stop();
    await stack?.stop();
  });

  it('refuses a turn past TURNQ_MAX_PENDING_TURNS with 429 and Retry-After, stores nothing, and accepts again once one is cancelled', async () => {
    const api = client(stack.baseUrl, 'key-pressure');
    const s = await api.session();
    const queued = [];
    for (const c of ['one', 'two', 'three']) {
      const r = await api.submit(s.id, c, '', { 'idempotency-key': c });
      expect(r.status).toBe(202);
      queued.push(r.json);
    }
    const full = await api.submit(s.id, 'four');
    expect(full.status).toBe(429);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(full.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json.pendingTurns).toBe(3);
    expect((await api.http('GET', `/v1/turns/${queued[0].turnId.replace(/_1$/, '_4')}`)).status).toBe(404);
    // a replay of an accepted turn is not a new turn: it is answered, not refused
    expect((await api.submit(s.id, 'two', '', { 'idempotency-key': 'two' })).json.turnId).toBe(queued[1].turnId);
    // other sessions of the same tenant are not held back
    expect((await api.submit((await api.session()).id, 'elsewhere')).status).toBe(202);

    expect((await api.http('DELETE', `/v1/turns/${queued[2].turnId}`)).status).toBe(200);
    const again = await api.submit(s.id, 'four');
    expect(again.status).toBe(202);
    expect(again.json.seq).toBe(4);
  });

  it('shares one key\'s budget across two gateway processes and answers 429 with Retry-After past it, without touching another key', async () => {
    // the budget is a fixed one-minute window: start well inside one so the whole test sees the same window
    await until('a fresh minute window', () => Date.now() % 60_000 < 50_000, 15_000, 200);
    const gateways = [client(stack.baseUrl, 'key-a'), client(replica.url, 'key-a')];
    const answered: number[] = [];
    for (let i = 0; i < LIMIT; i++) answered.push((await gateways[i % 2].http('GET', '/v1/sessions/ses_AAAAAAAAAAAAAAAAAAAA')).status);
    expect(answered).toEqual(Array(LIMIT).fill(404));

    for (const g of gateways) {
      const r = await g.http('POST', '/v1/sessions', { body: {} });
      expect(r.status).toBe(429);
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(r.json.status).toBe(429);
    }
    for (const url of [stack.baseUrl, replica.url]) {
      expect((await client(url, 'key-b').http('GET', '/v1/sessions/ses_AAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
      expect((await client(url).http('GET', '/healthz')).status).toBe(200);
    }
  });
});
