import { createSessionStore } from './session-store';
import { storeFixture } from '../../test/store-fixture';

/**
 * A submit ends by its deadline, and a run that reaches Redis after the caller gave up (queued in the
 * client through a failover) stores nothing: the gateway's 503 is never followed by a turn.
 */
describe('a submit past its deadline', () => {
  const f = storeFixture();
  afterAll(() => f.close());

  it('gives up at once when the deadline has passed, and the run that still reaches Redis stores nothing', async () => {
    const { id } = await f.store.create('t', {});
    // a deadline already past: the run is written and its caller gives up at once — unless Redis's reply
    // (SUBMIT refusing the late run) wins the race with that zero-length timer, which a local Redis often does
    const late = createSessionStore({ redis: f.redis, namespace: f.namespace, partitions: 1, ttlSeconds: 60, submitDeadlineMs: -2000 });
    const outcome = await late.submit('t', id, { content: 'too late', idempotencyKey: 'k1', maxPending: 10 }).then((r) => r.kind, (err: Error) => err.message);
    expect(outcome).toMatch(/^late$|^Command timed out/);
    // the same connection runs commands in order: the late run has run when this one answers
    const next = await f.store.submit('t', id, { content: 'in time', idempotencyKey: 'k1', maxPending: 10 });
    expect(next.kind).toBe('created');
    expect(next.kind === 'created' && next.turn.seq).toBe(1);
    expect(next.kind === 'created' && next.turn.input).toBe('in time');
  });
});
