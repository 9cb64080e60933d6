import { createRedis } from '#libs/redis';
import { createMemoryStore, normalized, rankMemories, type AcquireResult, type MemoryStore } from './index';

const DIMS = 8;
const vec = (...xs: number[]) => normalized(Array.from({ length: DIMS }, (_, i) => xs[i] ?? 0));
const genOf = (r: AcquireResult): string => {
  if (r.kind !== 'ok') throw new Error(`lease not taken: ${r.kind}`);
  return r.gen;
};

describe('memory store (real Redis)', () => {
  const redis = createRedis(process.env.REDIS_URL!, 'worker');
  const namespace = `mem${Math.random().toString(36).slice(2, 8)}`;
  let store: MemoryStore;
  beforeAll(() => { store = createMemoryStore({ redis, namespace, partitions: 4, maxPerUser: 3 }); });
  afterAll(async () => {
    const left = await redis.keys(`{${namespace}-*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
  });

  it('adds by hand and lists newest first with paging', async () => {
    const a = await store.add('t1', 'alice', { text: 'likes tea', kind: 'preference', vector: vec(1) });
    const b = await store.add('t1', 'alice', { text: 'lives in Seoul', kind: 'profile', vector: vec(0, 1) });
    expect(a).toMatchObject({ userId: 'alice', text: 'likes tea', kind: 'preference', sourceTurnId: null, supersedes: [] });
    const p1 = await store.list('t1', 'alice', { limit: 1 });
    if (p1 === 'bad_before') throw new Error('bad');
    expect(p1.memories.map((m) => m.id)).toEqual([b.id]);
    expect(p1.nextBefore).toBe(b.id);
    const p2 = await store.list('t1', 'alice', { limit: 1, before: p1.nextBefore! });
    if (p2 === 'bad_before') throw new Error('bad');
    expect(p2.memories.map((m) => m.id)).toEqual([a.id]);
    expect(p2.nextBefore).toBeNull();
    expect(await store.list('t1', 'alice', { limit: 5, before: 'mem_AAAAAAAAAAAAAAAAAAAA' })).toBe('bad_before');
  });

  it('keeps tenants apart: the same userId of another tenant is another user', async () => {
    const own = await store.add('t1', 'bob', { text: 'is a pilot', kind: 'profile', vector: vec(1) });
    const other = await store.list('t2', 'bob', { limit: 10 });
    expect(other).toEqual({ memories: [], nextBefore: null });
    expect(await store.remove('t2', 'bob', own.id)).toBe(false);
    expect((await store.snapshot('t2', 'bob')).memories).toEqual([]);
    expect((await store.snapshot('t1', 'bob')).memories.map((m) => m.id)).toEqual([own.id]);
  });

  it('applies a turn exactly once, fenced on the lease and the version read', async () => {
    const before = await store.snapshot('t1', 'carol');
    const gen = genOf(await store.acquire('t1', 'carol', { token: 'job-a', turnId: 'trn_x_1', ms: 10_000 }));
    // another job of the same user waits while the lease is held
    expect(await store.acquire('t1', 'carol', { token: 'job-b', turnId: 'trn_x_2', ms: 10_000 })).toEqual({ kind: 'busy' });
    const ops = [{ op: 'add' as const, text: 'name is Carol', kind: 'profile' as const, vector: vec(1) }];
    expect(await store.apply('t1', 'carol', { token: 'job-b', turnId: 'trn_x_1', gen, ver: before.ver, ops, used: [] })).toEqual({ kind: 'lost' });
    expect(await store.apply('t1', 'carol', { token: 'job-a', turnId: 'trn_x_1', gen, ver: before.ver, ops, used: [] }))
      .toEqual({ kind: 'ok', added: 1, updated: 0, evicted: 0 });
    // a retry of the same turn: nothing to do, and the lease was given back
    expect(await store.acquire('t1', 'carol', { token: 'job-a2', turnId: 'trn_x_1', ms: 10_000 })).toEqual({ kind: 'applied' });
    // the same generation while nothing was deleted
    expect(await store.acquire('t1', 'carol', { token: 'job-a2', turnId: 'trn_x_2', ms: 10_000 })).toEqual({ kind: 'ok', gen });
    expect(await store.apply('t1', 'carol', { token: 'job-a2', turnId: 'trn_x_2', gen, ver: before.ver, ops, used: [] })).toEqual({ kind: 'stale' });
    const snap = await store.snapshot('t1', 'carol');
    expect(snap.memories.map((m) => m.text)).toEqual(['name is Carol']);
  });

  it('an update supersedes the old text and keeps it with when it ended', async () => {
    let gen = genOf(await store.acquire('t1', 'dave', { token: 'j1', turnId: 'trn_d_1', ms: 10_000 }));
    let snap = await store.snapshot('t1', 'dave');
    await store.apply('t1', 'dave', { token: 'j1', turnId: 'trn_d_1', gen, ver: snap.ver, ops: [{ op: 'add', text: 'vegetarian', kind: 'preference', vector: vec(1, 1) }], used: [] });
    snap = await store.snapshot('t1', 'dave');
    const id = snap.memories[0].id;
    gen = genOf(await store.acquire('t1', 'dave', { token: 'j2', turnId: 'trn_d_2', ms: 10_000 }));
    expect(await store.apply('t1', 'dave', { token: 'j2', turnId: 'trn_d_2', gen, ver: snap.ver, ops: [{ op: 'update', id, text: 'eats meat again', kind: 'preference', vector: vec(1, 0, 1) }], used: [] }))
      .toMatchObject({ kind: 'ok', added: 0, updated: 1 });
    const list = await store.list('t1', 'dave', { limit: 10 });
    if (list === 'bad_before') throw new Error('bad');
    expect(list.memories).toHaveLength(1);
    expect(list.memories[0]).toMatchObject({ id, text: 'eats meat again', sourceTurnId: 'trn_d_2', supersedes: [{ text: 'vegetarian' }] });
    expect(Date.parse(list.memories[0].supersedes[0].until)).toBeGreaterThanOrEqual(Date.parse(list.memories[0].createdAt));
  });

  it('caps memories per user: the least recently used go first', async () => {
    const m1 = await store.add('t1', 'erin', { text: 'one', kind: 'fact', vector: vec(1) });
    const m2 = await store.add('t1', 'erin', { text: 'two', kind: 'fact', vector: vec(0, 1) });
    const m3 = await store.add('t1', 'erin', { text: 'three', kind: 'fact', vector: vec(0, 0, 1) });
    // m1 is placed in a prompt (the turn's memory job reports it used), so m2 is now the least recently used
    const gen = genOf(await store.acquire('t1', 'erin', { token: 'j', turnId: 'trn_e_1', ms: 10_000 }));
    const snap = await store.snapshot('t1', 'erin');
    await store.apply('t1', 'erin', { token: 'j', turnId: 'trn_e_1', gen, ver: snap.ver, ops: [], used: [m1.id] });
    const m4 = await store.add('t1', 'erin', { text: 'four', kind: 'fact', vector: vec(0, 0, 0, 1) });
    const ids = (await store.snapshot('t1', 'erin')).memories.map((m) => m.id).sort();
    expect(ids).toEqual([m1.id, m3.id, m4.id].sort());
    expect(ids).not.toContain(m2.id);
  });

  it('keeps the order of uses within one millisecond: the cap still evicts the one used first', async () => {
    // issued together, the adds and the use run within a millisecond or two: with the clock alone as the
    // score they tied, and the cap evicted whichever id sorted first
    for (const user of ['gus-1', 'gus-2', 'gus-3', 'gus-4', 'gus-5', 'gus-6']) {
      const [m1, m2, m3] = await Promise.all(['one', 'two', 'three'].map((text, i) => store.add('t1', user, { text, kind: 'fact', vector: vec(...Array(i).fill(0), 1) })));
      const gen = genOf(await store.acquire('t1', user, { token: 'j', turnId: `trn_${user}`, ms: 10_000 }));
      await store.apply('t1', user, { token: 'j', turnId: `trn_${user}`, gen, ver: (await store.snapshot('t1', user)).ver, ops: [], used: [m1.id] });
      const m4 = await store.add('t1', user, { text: 'four', kind: 'fact', vector: vec(0, 0, 0, 1) });
      const ids = (await store.snapshot('t1', user)).memories.map((m) => m.id).sort();
      expect({ user, ids }).toEqual({ user, ids: [m1.id, m3.id, m4.id].sort() });
      expect(ids).not.toContain(m2.id);
    }
  });

  it('deleting one memory and then all of a user leaves no key of theirs', async () => {
    const m = await store.add('t1', 'frank', { text: 'x', kind: 'fact', vector: vec(1) });
    await store.add('t1', 'frank', { text: 'y', kind: 'fact', vector: vec(0, 1) });
    await store.acquire('t1', 'frank', { token: 'j', turnId: 'trn_f_1', ms: 10_000 });
    expect(await store.remove('t1', 'frank', m.id)).toBe(true);
    expect(await store.remove('t1', 'frank', m.id)).toBe(false);
    const keys = store.keysOf('t1', 'frank');
    expect(await redis.exists(...keys)).toBeGreaterThan(0);
    await store.removeAll('t1', 'frank');
    expect(await redis.exists(...keys)).toBe(0);
  });

  it('a job that started before a delete-all never writes after it, not even when it runs again', async () => {
    await store.add('t1', 'hana', { text: 'lives in Busan', kind: 'profile', vector: vec(1) });
    const gen = genOf(await store.acquire('t1', 'hana', { token: 'j', turnId: 'trn_h_1', ms: 10_000 }));
    const snap = await store.snapshot('t1', 'hana');
    const ops = [{ op: 'add' as const, text: 'is allergic to peanuts', kind: 'fact' as const, vector: vec(0, 1) }];
    await store.removeAll('t1', 'hana');
    expect(await store.apply('t1', 'hana', { token: 'j', turnId: 'trn_h_1', gen, ver: snap.ver, ops, used: [] })).toEqual({ kind: 'erased' });
    expect(await redis.exists(...store.keysOf('t1', 'hana'))).toBe(0);
    // a run after a crash, knowing the generation it started in, is turned away and writes no key back
    expect(await store.acquire('t1', 'hana', { token: 'j', turnId: 'trn_h_1', ms: 10_000, gen })).toEqual({ kind: 'erased' });
    expect(await redis.exists(...store.keysOf('t1', 'hana'))).toBe(0);
    // a job that starts after the delete begins a new generation
    const again = genOf(await store.acquire('t1', 'hana', { token: 'k', turnId: 'trn_h_2', ms: 10_000 }));
    expect(again).not.toBe(gen);
    const fresh = await store.snapshot('t1', 'hana');
    expect(await store.apply('t1', 'hana', { token: 'k', turnId: 'trn_h_2', gen, ver: fresh.ver, ops, used: [] })).toEqual({ kind: 'erased' });
    expect(await store.apply('t1', 'hana', { token: 'k', turnId: 'trn_h_2', gen: again, ver: fresh.ver, ops: [], used: [] })).toMatchObject({ kind: 'ok' });
    // a hand-added memory after the delete starts a memory without a generation: still not the old one
    await store.removeAll('t1', 'hana');
    await store.add('t1', 'hana', { text: 'likes tea', kind: 'preference', vector: vec(0, 0, 1) });
    const third = await store.snapshot('t1', 'hana');
    expect(await store.apply('t1', 'hana', { token: 'j', turnId: 'trn_h_1', gen, ver: third.ver, ops, used: [] })).toEqual({ kind: 'erased' });
    expect(third.memories.map((m) => m.text)).toEqual(['likes tea']);
    expect((await store.snapshot('t1', 'hana')).memories.map((m) => m.text)).toEqual(['likes tea']);
  });

  it('a reader holding a copy gets only what was written since, and never a stale copy', async () => {
    const a = await store.add('t1', 'gina', { text: 'a', kind: 'fact', vector: vec(1) });
    const first = await store.snapshot('t1', 'gina');
    expect(await store.snapshot('t1', 'gina', first)).toBe(first);
    const b = await store.add('t1', 'gina', { text: 'b', kind: 'fact', vector: vec(0, 1) });
    const second = await store.snapshot('t1', 'gina', first);
    expect(second.ver).toBeGreaterThan(first.ver);
    expect(second.memories.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(second.memories.find((m) => m.id === a.id)).toBe(first.memories[0]);
    // after a delete-all the version still rises, so the old copy is never taken for current
    await store.removeAll('t1', 'gina');
    const c = await store.add('t1', 'gina', { text: 'c', kind: 'fact', vector: vec(0, 0, 1) });
    const third = await store.snapshot('t1', 'gina', second);
    expect(third.ver).toBeGreaterThan(second.ver);
    expect(third.memories.map((m) => m.id)).toEqual([c.id]);
    expect(Array.from(third.memories[0].vector)).toEqual(Array.from(vec(0, 0, 1)));
  });

  it('ranks by similarity, with profile and preference above a plain fact', () => {
    const now = Date.now();
    const mem = (id: string, kind: 'profile' | 'preference' | 'fact', v: Float32Array) => ({ id, text: id, kind, createdAtMs: now, updatedAtMs: now, vector: v });
    const ranked = rankMemories(vec(1), [mem('far-fact', 'fact', vec(0, 1)), mem('near-fact', 'fact', vec(1, 0.1)), mem('pref', 'preference', vec(0.9, 0.5))], now);
    expect(ranked.map((r) => r.memory.id)).toEqual(['pref', 'near-fact']);
  });
});
