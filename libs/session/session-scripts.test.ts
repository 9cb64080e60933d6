import { SAMPLE_INTENT, storeFixture } from '../../test/store-fixture';
import { newRequestId, newSessionId } from './ids';
import { bindScripts } from './session-scripts-client';
import { sessionKeys } from './session-keys';

/**
 * A script re-run with the same arguments — what session-scripts-client.ts does when a reply was lost —
 * answers what its first run did and changes nothing more (CREATE, BEGIN_RESPONSE; the others are
 * re-run in pipeline-store.test.ts and test/reliability/lost-replies.test.ts).
 */
describe('session scripts re-run after a lost reply', () => {
  const f = storeFixture();
  const scripts = bindScripts(f.redis);
  const args = (sid: string) => {
    const k = sessionKeys(f.namespace, 1, sid);
    return [...k.scriptKeys, 60, sid, k.eventPrefix];
  };
  afterAll(() => f.close());

  it('CREATE with the same session id keeps the one session its first run stored, with its creation time', async () => {
    const id = newSessionId();
    const fields = ['id', id, 'tenant', 't', 'state', 'greeting', 'mc', 0, 'tt', 0, 'seq', 0, 'user', '', 'sp', '', 'md', '{"a":"1"}'];
    const first = Number(await scripts.create(...args(id), ...fields));
    await f.redis.hset(sessionKeys(f.namespace, 1, id).scriptKeys[0], 'la', first + 5); // an activity after it
    await new Promise((r) => setTimeout(r, 5)); // the Redis clock moves on, so a second creation would differ
    expect(Number(await scripts.create(...args(id), ...fields))).toBe(first);
    expect(await f.store.get('t', id)).toMatchObject({ id, metadata: { a: '1' }, createdAt: new Date(first).toISOString(), lastActivityAt: new Date(first + 5).toISOString() });
    expect(await f.redis.ttl(sessionKeys(f.namespace, 1, id).scriptKeys[0])).toBeGreaterThan(0);
  });

  it('BEGIN_RESPONSE with the same request id answers the attempt its first run started, without a restart', async () => {
    const s = await f.store.create('t', {});
    const { ref } = await f.submit(s.id, 'hi');
    await f.pipeline.start(ref);
    await f.pipeline.commitIntent(ref, SAMPLE_INTENT, 'greeting');
    const begin = (requestId: string) => scripts.beginResponse(...args(s.id), ref.seq, 1000, 10, requestId);
    const requestId = newRequestId();
    const first = await begin(requestId);
    expect(first.slice(0, 2)).toEqual(['ok', 1]);
    expect(await begin(requestId)).toEqual(first);
    const restarts = async () => (await f.store.events(ref.turnId, 0)).filter((e) => e.type === 'status' && JSON.parse(e.data).restarted === true).length;
    expect(await restarts()).toBe(0);
    // another call (a retried job) is another attempt, and stream readers are told
    expect((await begin(newRequestId())).slice(0, 2)).toEqual(['ok', 2]);
    expect(await restarts()).toBe(1);
  });
});
