import { GONE } from './session-store';
import { SAMPLE_CONTEXT as context, SAMPLE_USAGE as usage, storeFixture } from '../../test/store-fixture';
import type { TurnRef } from './index';

/** An ended turn whose event list is gone (expired) is replayed from its record, so its stream still ends. */
describe('replaying a turn whose event list is gone', () => {
  const f = storeFixture(0);
  const { redis, store, pipeline, toResponseStage } = f;
  const sessions: string[] = [];
  afterAll(async () => {
    for (const id of sessions) await store.remove('t', id);
    f.close();
  });

  async function submit(content: string, sessionId?: string): Promise<TurnRef> {
    const sid = sessionId ?? (await store.create('t', {})).id;
    sessions.push(sid);
    return (await f.submit(sid, content)).ref;
  }

  const dropEvents = (ref: TurnRef) => redis.del(store.channelOf(ref.turnId)!);
  const shape = (events: Array<{ id: number; type: string; data: string }>) => events.map((e) => [e.id, e.type, e.data]);

  it('replays a completed turn as queued, intent, response, its whole reply and done, honouring the id to read after', async () => {
    const ref = await submit('hello');
    const attempt = await toResponseStage(ref);
    let id = 4; // after queued, intent, response
    for (const piece of ['line one', '\nline two']) id = (await pipeline.delta(ref, attempt, piece, id)) + 1;
    await pipeline.commitResponse(ref, { attempt, response: 'line one\nline two', usage, context, userTokens: 1, replyTokens: 4, intentLabel: 'greeting', model: 'm' });
    expect(await dropEvents(ref)).toBe(1);
    const all = await store.events(ref.turnId, 0);
    expect(shape(all)).toEqual([
      [1, 'status', '{"status":"queued","stage":null}'],
      [2, 'status', '{"status":"running","stage":"intent"}'],
      [3, 'status', '{"status":"running","stage":"response"}'],
      [4, 'delta', JSON.stringify({ text: 'line one\nline two' })],
      [5, 'done', ''],
    ]);
    expect(await store.events(ref.turnId, 3)).toEqual(all.slice(3));
    expect(await store.events(ref.turnId, 5)).toEqual([]);
  });

  it('replays a cancelled turn as queued and done', async () => {
    const first = await submit('first');
    const second = await submit('second', first.sessionId);
    expect((await store.cancel('t', second.turnId)).kind).toBe('cancelled');
    await dropEvents(second);
    expect(shape(await store.events(second.turnId, 0))).toEqual([[1, 'status', '{"status":"queued","stage":null}'], [2, 'done', '']]);
    expect(shape(await store.events(second.turnId, 1))).toEqual([[2, 'done', '']]);
  });

  it('replays a turn that failed in its response stage without a delta', async () => {
    const ref = await submit('hello');
    await toResponseStage(ref);
    expect(await pipeline.fail(ref, { code: 'llm_server', message: 'boom' })).not.toBeNull();
    await dropEvents(ref);
    expect((await store.events(ref.turnId, 0)).map((e) => e.type)).toEqual(['status', 'status', 'status', 'done']);
  });

  it('replays nothing for a turn that has not ended, and only `gone` for an unknown one', async () => {
    const ref = await submit('hello');
    await toResponseStage(ref);
    await dropEvents(ref);
    expect(await store.events(ref.turnId, 0)).toEqual([]);
    expect(await store.events(store.refOf(ref.sessionId, 9).turnId, 0)).toEqual([GONE]);
  });
});
