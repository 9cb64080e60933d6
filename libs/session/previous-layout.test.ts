import { completeTurn, storeFixture } from '../../test/store-fixture';
import type { TurnRef } from './index';

/**
 * Keys the previous layout wrote (turn events as STREAMs under `e:`, a turn's reply in ':out') are still
 * there after an upgrade until they expire: reading and writing a session around them never fails.
 */
describe('keys of the previous layout', () => {
  const f = storeFixture();
  const { redis, store } = f;
  const oldKeys: string[] = [];
  afterAll(async () => {
    if (oldKeys.length) await redis.del(...oldKeys);
    f.close();
  });
  const submit = async (sessionId: string, content: string): Promise<TurnRef> => (await f.submit(sessionId, content)).ref;
  const complete = (ref: TurnRef, reply: string) => completeTurn(f, ref, reply);

  /** The event STREAM the previous layout kept for turn `seq`. */
  async function oldEventStream(sessionId: string, seq: number): Promise<void> {
    const key = `${store.keysOf(sessionId).tag}:e:${sessionId}:${seq}`;
    oldKeys.push(key);
    await redis.xadd(key, '*', 'type', 'status', 'data', '{"status":"queued","stage":null}');
  }

  it('never meets an old event stream: an old turn replays from its record and a new turn streams as usual', async () => {
    const s = await store.create('t', {});
    const old = await submit(s.id, 'before the upgrade');
    await complete(old, 'old reply');
    await redis.del(store.channelOf(old.turnId)!); // an old turn has no event list, only its stream
    await oldEventStream(s.id, 1);
    await oldEventStream(s.id, 2);
    expect((await store.events(old.turnId, 0)).map((e) => e.type)).toEqual(['status', 'status', 'status', 'delta', 'done']);
    const next = await submit(s.id, 'after the upgrade');
    await complete(next, 'new reply');
    expect((await store.events(next.turnId, 0)).map((e) => e.type)).toEqual(['status', 'status', 'status', 'done']);
    expect(await store.remove('t', s.id)).toBe(true);
  });

  it('reads the reply of a turn that kept it in ":out" and has no ":oi"', async () => {
    const s = await store.create('t', {});
    const old = await submit(s.id, 'before the upgrade');
    const reply = 'kept "twice" \n before 😀';
    await complete(old, reply);
    const turns = store.keysOf(s.id).scriptKeys[2];
    await redis.multi().hdel(turns, '1:oi').hset(turns, '1:out', reply).exec();
    await redis.del(store.channelOf(old.turnId)!);
    expect(await store.getTurn('t', old.turnId)).toMatchObject({ status: 'completed', response: reply });
    expect((await store.events(old.turnId, 3)).map((e) => [e.type, e.data])).toEqual([['delta', JSON.stringify({ text: reply })], ['done', '']]);
    expect(await store.remove('t', s.id)).toBe(true);
  });
});
