import { BEGIN_RESPONSE } from './session-scripts';
import { completeTurn, SAMPLE_CONTEXT as context, SAMPLE_INTENT as intent, SAMPLE_USAGE as usage, storeFixture } from '../../test/store-fixture';

/** The fenced scripts against a real Redis: each stage applies once, only for the turn that owns the session. */
describe('pipeline store scripts', () => {
  const f = storeFixture();
  const { redis, store, pipeline, submit } = f;
  const complete = (ref: Parameters<typeof completeTurn>[1], reply: string) => completeTurn(f, ref, reply);
  afterAll(() => f.close());

  it('dispatches only the first turn and hands the session to the next one on commit', async () => {
    const s = await store.create('t', {});
    const a = await submit(s.id, 'one');
    const b = await submit(s.id, 'two');
    expect([a.dispatched, b.dispatched]).toEqual([true, false]);
    expect((await pipeline.start(b.ref)).kind).toBe('gone'); // not the owner yet
    expect(await complete(a.ref, 'reply one')).toEqual(b.ref);
    expect(await complete(b.ref, 'reply two')).toBeNull();
    const page = await store.messages('t', s.id, { limit: 10 });
    expect(page !== 'not_found' && page !== 'bad_before' && page.messages.map((m) => m.content)).toEqual(['one', 'reply one', 'two', 'reply two']);
  });

  it('applies the intent stage once and refuses a commit from an earlier attempt', async () => {
    const s = await store.create('t', {});
    const { ref } = await submit(s.id, 'hi');
    await pipeline.start(ref);
    expect(await pipeline.commitIntent(ref, intent, 'casual_chat')).toBe('ok');
    expect(await pipeline.commitIntent(ref, intent, 'ending')).toBe('stale');
    const first = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 10 });
    const second = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 10 });
    if (typeof first === 'string' || typeof second === 'string') throw new Error('not begun');
    expect(second.attempt).toBe(first.attempt + 1);
    expect(await pipeline.delta(ref, first.attempt, 'zombie', first.nextEventId)).toBe(0);
    expect(await pipeline.delta(ref, second.attempt, 'live', second.nextEventId)).toBe(second.nextEventId);
    const commit = { response: 'r', usage, context, userTokens: 1, replyTokens: 1, intentLabel: 'casual_chat', model: 'm' };
    expect(await pipeline.commitResponse(ref, { ...commit, attempt: first.attempt })).toBeNull();
    const committed = await pipeline.commitResponse(ref, { ...commit, attempt: second.attempt });
    expect(committed).not.toBeNull();
    // the same commit again (a re-run after a lost reply) changes nothing and answers as the first did
    expect(await pipeline.commitResponse(ref, { ...commit, attempt: second.attempt })).toEqual(committed);
    const session = await store.get('t', s.id);
    expect(session).toMatchObject({ state: 'casual_chat', messageCount: 2 });
    expect(session!.stateHistory.map((h) => [h.from, h.to])).toEqual([['greeting', 'casual_chat']]);
    expect(await pipeline.fail(ref, { code: 'x', message: 'late' })).toBeNull();
  });

  it('fails a turn only for the stage and attempt that runs it, and answers a repeated fail as the first', async () => {
    const s = await store.create('t', {});
    const { ref } = await submit(s.id, 'hi');
    const next = await submit(s.id, 'next');
    await pipeline.start(ref);
    await pipeline.commitIntent(ref, intent, 'casual_chat');
    const first = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 10 });
    const second = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 10 });
    if (typeof first === 'string' || typeof second === 'string') throw new Error('not begun');
    const error = { code: 'llm_server', message: 'boom' };
    expect(await pipeline.fail(ref, error, { stage: 'intent' })).toBeNull(); // a zombie of the intent stage
    expect(await pipeline.fail(ref, error, { stage: 'response', attempt: first.attempt })).toBeNull(); // of an earlier attempt
    const failed = await pipeline.fail(ref, error, { stage: 'response', attempt: second.attempt });
    expect(failed?.next).toEqual(next.ref);
    expect(await pipeline.fail(ref, error, { stage: 'response', attempt: second.attempt })).toEqual(failed);
    expect(await pipeline.fail(ref, { code: 'other', message: 'late' })).toBeNull();
  });

  it('commits a summary only over the cut-off it read (compare-and-set)', async () => {
    const s = await store.create('t', {});
    for (let i = 0; i < 4; i++) {
      const { ref } = await submit(s.id, `m${i}`);
      await complete(ref, `r${i}`);
    }
    const read = await pipeline.readForSummary(s.id, 2);
    expect(read).toMatchObject({ covers: 0, upto: 6 });
    expect(read!.messages.map((m) => m.content)).toEqual(['m0', 'r0', 'm1', 'r1', 'm2', 'r2']);
    expect(await pipeline.commitSummary(s.id, { expectedCovers: 0, newCovers: 4, text: 'sum A', tokens: 2, foldedTokens: 14 })).toBe('ok');
    expect(await pipeline.commitSummary(s.id, { expectedCovers: 0, newCovers: 6, text: 'stale B', tokens: 2, foldedTokens: 21 })).toBe('stale');
    const session = await store.get('t', s.id);
    expect(session!.summary).toEqual({ text: 'sum A', tokens: 2, coversMessages: 4 });
    const page = await store.messages('t', s.id, { limit: 10 });
    expect(page !== 'not_found' && page !== 'bad_before' && page.messages.map((m) => m.summarized)).toEqual([true, true, true, true, false, false, false, false]);
    const { ref } = await submit(s.id, 'next');
    await pipeline.start(ref);
    await pipeline.commitIntent(ref, intent, 'greeting');
    const snap = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 100 });
    if (typeof snap === 'string') throw new Error(snap);
    expect(snap.summary).toEqual({ text: 'sum A', tokens: 2, covers: 4 });
    expect(snap.history.map((m) => m.content)).toEqual(['m2', 'r2', 'm3', 'r3']);
  });

  it('begins a response with every snapshot field where the decoder reads it', async () => {
    const s = await store.create('t', { userId: 'u-1', systemPrompt: 'Be brief.' });
    for (const [q, a] of [['m0', 'r0'], ['m1', 'r1']]) await complete((await submit(s.id, q)).ref, a);
    expect(await pipeline.commitSummary(s.id, { expectedCovers: 0, newCovers: 2, text: 'sum', tokens: 1, foldedTokens: 7 })).toBe('ok');
    const { ref } = await submit(s.id, 'now');
    await pipeline.start(ref);
    const sentiment = { label: 'negative' as const, intensity: 0.5, method: 'keyword' as const };
    await pipeline.commitIntent(ref, intent, 'problem_solving', sentiment);
    await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 100 }); // a first attempt: its restart event counts
    const snap = await pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 100 });
    if (typeof snap === 'string') throw new Error(snap);
    expect({ ...snap, history: snap.history.map((m) => [m.id, m.content]) }).toEqual({
      attempt: 2, input: 'now', systemPrompt: 'Be brief.', state: 'problem_solving',
      summary: { text: 'sum', tokens: 1, covers: 2 }, messageCount: 4, totalTokens: 14, intent, sentiment,
      sentimentTrend: '-', memoryUser: { tenant: 't', userId: 'u-1' },
      history: [[`msg_${s.id.slice(4)}_3`, 'm1'], [`msg_${s.id.slice(4)}_4`, 'r1']],
      nextEventId: 5, // queued, running intent, running response, restarted
    });
  });

  it('refuses, loudly, a snapshot field the script has no value for', async () => {
    const s = await store.create('t', {});
    const { ref } = await submit(s.id, 'hi');
    await pipeline.start(ref);
    await pipeline.commitIntent(ref, intent, 'greeting');
    const extra = BEGIN_RESPONSE.replace("'user', 'mem'}", "'user', 'mem', 'extra'}");
    expect(extra).not.toBe(BEGIN_RESPONSE);
    const k = store.keysOf(s.id);
    await expect(redis.eval(extra, 7, ...k.scriptKeys, 60, s.id, k.eventPrefix, ref.seq, 1000, 10, 'request-1')).rejects.toThrow(/no value for snapshot field extra/);
  });

  it('reads a completed turn\'s reply back exactly from its assistant message, after later turns and a summary', async () => {
    const s = await store.create('t', {});
    const reply = 'He said "hi" / \\ back\nslash\t안녕 \u0001\u007f 😀 {"c":"x"}';
    const first = (await submit(s.id, 'one')).ref;
    await complete(first, reply);
    const second = (await submit(s.id, 'two')).ref;
    await complete(second, '');
    expect(await pipeline.commitSummary(s.id, { expectedCovers: 0, newCovers: 2, text: 'sum', tokens: 1, foldedTokens: 7 })).toBe('ok');
    expect((await store.getTurn('t', first.turnId))?.response).toBe(reply);
    expect((await store.getTurn('t', second.turnId))?.response).toBe('');
    const page = await store.messages('t', s.id, { limit: 10 });
    expect(page !== 'not_found' && page !== 'bad_before' && page.messages.map((m) => m.content)).toEqual(['one', reply, 'two', '']);
    const { ref: third } = await submit(s.id, 'three');
    expect((await store.getTurn('t', third.turnId))?.response).toBeNull();
  });

  it('cancels a dispatched but unstarted turn and its stale job is refused', async () => {
    const s = await store.create('t', {});
    const a = await submit(s.id, 'first');
    const b = await submit(s.id, 'second');
    const c = await store.cancel('t', a.ref.turnId);
    expect(c.kind === 'cancelled' && c.next).toEqual(b.ref);
    expect((await pipeline.start(a.ref)).kind).toBe('gone');
    expect((await pipeline.start(b.ref)).kind).toBe('run');
    expect((await store.cancel('t', b.ref.turnId)).kind).toBe('conflict');
    expect((await store.cancel('other', b.ref.turnId)).kind).toBe('not_found');
  });

  it('numbers a turn\'s events from 1 and replays those after any id exactly once', async () => {
    const s = await store.create('t', {});
    const { ref } = await submit(s.id, 'hello');
    const attempt = await f.toResponseStage(ref);
    expect(await pipeline.delta(ref, attempt, 'line one\nline two', 4)).toBe(4);
    await f.commit(ref, attempt, 'line one\nline two');
    const all = await store.events(ref.turnId, 0);
    expect(all.map((e) => [e.id, e.type])).toEqual([[1, 'status'], [2, 'status'], [3, 'status'], [4, 'delta'], [5, 'done']]);
    expect(JSON.parse(all[0].data)).toEqual({ status: 'queued', stage: null });
    expect(JSON.parse(all[3].data)).toEqual({ text: 'line one\nline two' });
    expect(all[4].data).toBe('');
    expect(await store.events(ref.turnId, 3)).toEqual(all.slice(3));
    expect(await store.events(ref.turnId, 5)).toEqual([]);
  });

  it('writes the reply\'s unsent end as the last delta of the commit, before done, and only for the current attempt', async () => {
    const s = await store.create('t', {});
    const { ref } = await submit(s.id, 'hello');
    const attempt = await f.toResponseStage(ref);
    expect(await pipeline.delta(ref, attempt, '안녕, ', 4)).toBe(4);
    const commit = { response: '안녕, "world" 😀', usage, context, userTokens: 1, replyTokens: 4, intentLabel: 'greeting', model: 'm', tail: '"world" 😀' };
    expect(await pipeline.commitResponse(ref, { ...commit, attempt: attempt + 1 })).toBeNull(); // not this attempt: nothing written
    expect(await pipeline.commitResponse(ref, { ...commit, attempt })).not.toBeNull();
    const events = await store.events(ref.turnId, 0);
    expect(events.map((e) => e.type)).toEqual(['status', 'status', 'status', 'delta', 'delta', 'done']);
    const deltas = events.filter((e) => e.type === 'delta').map((e) => (JSON.parse(e.data) as { text: string }).text);
    expect(deltas.join('')).toBe(commit.response);
  });

  it('sets the sliding TTL on every key the session owns', async () => {
    const s = await store.create('t', {});
    const { ref } = await submit(s.id, 'hello');
    await complete(ref, 'hi');
    const keys = store.keysOf(s.id).scriptKeys.slice(0, 6);
    for (const key of keys.slice(0, 3)) expect([key, await redis.ttl(key) > 50]).toEqual([key, true]);
    // the mailbox, state history and idempotency keys exist only while they hold something
    for (const key of keys.slice(3)) expect([key, (await redis.ttl(key)) === -2 || (await redis.ttl(key)) > 50]).toEqual([key, true]);
    expect(await redis.ttl(`${store.keysOf(s.id).eventPrefix}1`)).toBeGreaterThan(50);
  });
});
