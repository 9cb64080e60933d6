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

/**
 * A completed first attempt whose deltas were its reply keeps their lengths instead of its event list
 * (COMMIT_RESPONSE's ARGV 14): what a reader gets must be the live stream, event for event.
 */
describe('a completed turn that keeps its deltas as lengths', () => {
  const f = storeFixture(60);
  const { redis, store, pipeline, toResponseStage } = f;
  const sub = redis.duplicate();
  const announced: Array<[string, string]> = [];
  sub.on('pmessage', (_p: string, channel: string, message: string) => announced.push([channel, message]));
  beforeAll(() => sub.psubscribe('*:ev:*'));
  afterAll(() => { sub.disconnect(); f.close(); });
  const heard = (ref: { turnId: string }) => announced.filter(([c]) => c === store.channelOf(ref.turnId)).map(([, m]) => m);
  const until = async (ok: () => unknown) => { while (!ok()) await new Promise((r) => setTimeout(r, 10)); };

  /** A turn streamed as `pieces` then `tail`, committed with or without the lengths; its events as read afterwards and live. */
  async function run(pieces: string[], tail: string, withLengths: boolean, attempts = 1) {
    const s = await store.create('t', {});
    const { ref } = await f.submit(s.id, 'hello');
    let attempt = await toResponseStage(ref);
    let id = 4; // after the three statuses
    for (let a = 1; a < attempts; a++) {
      expect(await pipeline.delta(ref, attempt, 'abandoned ', id)).toBe(id);
      const again = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 10 });
      if (typeof again === 'string') throw new Error(again);
      [attempt, id] = [again.attempt, again.nextEventId];
    }
    for (const p of pieces) expect(await pipeline.delta(ref, attempt, p, id)).toBe(id++);
    const reply = pieces.join('') + tail;
    const streamed = tail ? [...pieces, tail] : pieces;
    const outcome = await pipeline.commitResponse(ref, {
      attempt, response: reply, tail, usage, context, userTokens: 1, replyTokens: 4, intentLabel: 'greeting', model: 'm',
      deltaLengths: withLengths ? streamed.map((x) => x.length) : undefined,
    });
    expect(outcome).not.toBeNull();
    return { ref, listed: await redis.exists(store.channelOf(ref.turnId)!), events: await store.events(ref.turnId, 0) };
  }

  it.each([
    ['several deltas and a tail', ['안녕하세요, ', 'emoji 🎉 and "quotes"', '\n'], 'the end.'],
    ['deltas without a tail', ['one ', 'two'], ''],
    ['only the tail', [], 'all at once'],
    ['an empty reply', [], ''],
  ])('%s: the same events, ids and data as a turn that kept its list, without the list', async (_name, pieces, tail) => {
    const kept = await run(pieces, tail, false);
    const compact = await run(pieces, tail, true);
    expect([kept.listed, compact.listed]).toEqual([1, 0]);
    expect(compact.events).toEqual(kept.events);
    expect(compact.events.map((e) => e.type)).toEqual(['status', 'status', 'status', ...[...pieces, ...(tail ? [tail] : [])].map(() => 'delta'), 'done']);
    const last = compact.events.length;
    expect(await store.events(compact.ref.turnId, last - 2)).toEqual(kept.events.slice(last - 2));
    expect((await store.getTurn('t', compact.ref.turnId))?.response).toBe(pieces.join('') + tail);
    // live followers heard the same announcements, ids included
    await until(() => heard(compact.ref).at(-1)?.includes('\ndone\n'));
    expect(heard(compact.ref)).toEqual(heard(kept.ref));
  });

  it('keeps the list of a later attempt (its events hold the abandoned one too) and of lengths that do not match it', async () => {
    const retried = await run(['final'], '', true, 2);
    expect(retried.listed).toBe(1);
    expect(retried.events.filter((e) => e.type === 'delta').map((e) => JSON.parse(e.data).text)).toEqual(['abandoned ', 'final']);

    const s = await store.create('t', {});
    const { ref } = await f.submit(s.id, 'hello');
    const attempt = await toResponseStage(ref);
    expect(await pipeline.delta(ref, attempt, 'ab', 4)).toBe(4);
    // claims two streamed deltas where the list holds one: the list stays
    await pipeline.commitResponse(ref, { attempt, response: 'abc', tail: 'c', usage, context, userTokens: 1, replyTokens: 1, intentLabel: 'greeting', model: 'm', deltaLengths: [1, 1, 1] });
    expect(await redis.exists(store.channelOf(ref.turnId)!)).toBe(1);
    expect((await store.events(ref.turnId, 0)).map((e) => e.type)).toEqual(['status', 'status', 'status', 'delta', 'delta', 'done']);
  });
});
