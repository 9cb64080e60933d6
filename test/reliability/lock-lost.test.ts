import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRedis } from '#libs/redis';
import { client } from '../http-client';
import { startStack, type RunningProcess, type Stack } from '../start-stack';
import { clearSimRequests, expectHistoryOf, readSse, replyFromSse, simConfig, simRequests, storedEvents, until, FAST_RECOVERY_ENV } from '../support';

/**
 * A zombie worker: frozen (SIGSTOP) past its lock during its LLM call, so BullMQ hands the job to
 * another worker. When it wakes (SIGCONT) its lock renewal fails and it aborts its LLM call; whatever it
 * still tries to write — deltas, the commit — is refused by the fence (owner + attempt): the turn ends
 * once, with the other worker's reply. Frozen while waiting for the model, while streaming, and with
 * a whole reply in hand.
 */
describe('a worker that loses its lock', () => {
  let stack: Stack;
  let frozen: RunningProcess | null = null;
  const redis = createRedis(process.env.REDIS_URL!, 'worker');

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: {
        ...FAST_RECOVERY_ENV,
      },
    });
  }, 180_000);
  afterAll(async () => {
    for (const p of stack?.processes ?? []) if (p.child.exitCode === null) p.child.kill('SIGCONT');
    await stack?.stop();
    redis.disconnect();
  });

  /**
   * Freezes the one response worker, which holds the turn's job, and starts another to take it over.
   * `frozenIn` runs between the two: the state the zombie was frozen in, before anything moved on.
   */
  async function freezeHolder(frozenIn: () => Promise<void> = async () => undefined): Promise<{ zombie: RunningProcess; log: () => string }> {
    const [zombie] = stack.of('response-worker');
    zombie.child.kill('SIGSTOP');
    frozen = zombie;
    await frozenIn();
    await stack.start('response-worker');
    return { zombie, log: () => readFileSync(join(stack.logDir, `response-worker-${zombie.index}.log`), 'utf8') };
  }
  const restarted = (turnId: string) => until('the reply to restart on the other worker', async () =>
    (await storedEvents(redis, stack.namespace, turnId)).some((e) => e.type === 'status' && JSON.parse(e.data).restarted === true), 20_000);
  const wake = (p: RunningProcess) => { p.child.kill('SIGCONT'); frozen = null; };

  beforeEach(async () => {
    // exactly one response worker, so the test knows which process holds the job
    for (const p of stack.of('response-worker').slice(1)) await stack.kill(p, 'SIGKILL');
    await clearSimRequests(stack);
  });
  afterEach(async () => {
    if (frozen) wake(frozen);
    await simConfig(stack, { latencyMs: 0, tokensPerSecond: 0 });
  });

  it('aborts its LLM call when its lock renewal fails, and the turn ends once on the other worker', async () => {
    // the model takes 20 s to answer: when the frozen worker wakes nothing has arrived for it, so only
    // the failed lock renewal can stop its call
    await simConfig(stack, { latencyMs: 20_000 });
    const api = client(stack.baseUrl);
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about queues.')).json;
    await until('the reply to be requested', async () => (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'pending'));

    const { zombie, log } = await freezeHolder();
    const t0 = Date.now();
    await simConfig(stack, { latencyMs: 0 });
    await restarted(turn.turnId);
    wake(zombie);
    await until('the woken worker to report its lost lock', () => log().includes('lock renewal failed'), 10_000);
    const aborted = await until('its LLM request to be aborted', async () =>
      (await simRequests(stack)).find((r) => r.kind === 'chat' && r.outcome === 'aborted'), 10_000);
    expect(Date.now() - t0).toBeLessThan(20_000); // before the simulator would have answered it

    const done = await api.waitTurn(turn.turnId, 20_000);
    expect(done.status).toBe('completed');
    expect(aborted.outcome).toBe('aborted');
    expect((await simRequests(stack)).filter((r) => r.kind === 'chat').map((r) => r.outcome)).toEqual(['aborted', 'completed']);
    expectHistoryOf(await api.messages(s.id), [done]);
    expect(replyFromSse(await readSse(stack.baseUrl, turn.turnId))).toBe(done.response);
    expect(zombie.child.exitCode).toBeNull(); // it lived on: nothing but the fence and its signal stopped it
  }, 60_000);

  it('stops streaming and appends nothing when it wakes mid-stream after the turn was completed elsewhere', async () => {
    await simConfig(stack, { tokensPerSecond: 5 }); // 91 tokens: 18 s of stream, still being sent when it wakes
    const api = client(stack.baseUrl);
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about queues.')).json;
    await until('the reply to be streaming', async () => (await storedEvents(redis, stack.namespace, turn.turnId)).some((e) => e.type === 'delta'));

    const { zombie, log } = await freezeHolder();
    await simConfig(stack, { tokensPerSecond: 0 });
    const done = await api.waitTurn(turn.turnId, 20_000);
    const before = await storedEvents(redis, stack.namespace, turn.turnId);
    wake(zombie);
    await until('the woken worker to give the job up', () => log().includes(`turn-${turn.turnId}`), 10_000);
    await until('its stream request to be cut off', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'aborted'), 10_000);

    expect(done.status).toBe('completed');
    expect(await storedEvents(redis, stack.namespace, turn.turnId)).toEqual(before);
    expectHistoryOf(await api.messages(s.id), [done]);
    expect(replyFromSse(await readSse(stack.baseUrl, turn.turnId))).toBe(done.response);
  }, 60_000);

  it('commits nothing when it wakes with a whole reply in hand after the turn was completed elsewhere', async () => {
    await simConfig(stack, { latencyMs: 3000 });
    const api = client(stack.baseUrl);
    const s = await api.session();
    const turn = (await api.submit(s.id, 'Tell me a long story about queues.')).json;
    await until('the reply to be requested', async () => (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'pending'));

    const { zombie, log } = await freezeHolder(async () => {
      expect((await simRequests(stack)).filter((r) => r.kind === 'chat').map((r) => r.outcome)).toEqual(['pending']); // frozen before the reply came
    });
    // the whole reply reaches the frozen worker's socket; it reads it only once it wakes
    await until('the frozen worker\'s reply to arrive', async () =>
      (await simRequests(stack)).some((r) => r.kind === 'chat' && r.outcome === 'completed'));
    await simConfig(stack, { latencyMs: 0 });
    const done = await api.waitTurn(turn.turnId, 20_000);
    const before = await storedEvents(redis, stack.namespace, turn.turnId);
    wake(zombie);
    await until('the woken worker to give the job up', () => log().includes(`turn-${turn.turnId}`), 10_000);

    expect(done.status).toBe('completed');
    expect(await storedEvents(redis, stack.namespace, turn.turnId)).toEqual(before);
    expectHistoryOf(await api.messages(s.id), [done]);
    expect((await api.http('GET', `/v1/sessions/${s.id}`)).json.messageCount).toBe(2);
  }, 60_000);
});
