import { randomBytes } from 'node:crypto';
import type { Redis } from '#libs/redis';
import { decodeRecord, decodeStored } from './decode-memory';
import { memoryKeys } from './memory-keys';
import * as S from './memory-scripts';
import type { Memory, MemoryKind, MemoryOp, StoredMemory } from './memory-types';
import { encodeVector } from './vector-codec';

export interface MemoryStoreOptions { redis: Redis; namespace: string; partitions: number; maxPerUser: number }

export interface MemorySnapshot { ver: number; memories: StoredMemory[] }

export type ApplyResult = { kind: 'ok'; added: number; updated: number; evicted: number } | { kind: 'erased' } | { kind: 'lost' } | { kind: 'dup' } | { kind: 'stale' };

export type AcquireResult = { kind: 'ok'; gen: string } | { kind: 'busy' } | { kind: 'applied' } | { kind: 'erased' };

/** Applied-turn marks outlive any retry of a memory job (failed jobs are kept 7 days). */
const APPLIED_KEPT_MS = 8 * 24 * 3600 * 1000;
const MEMORY_ID = /^mem_[A-Za-z0-9_-]{20}$/;

export const newMemoryId = (): string => `mem_${randomBytes(15).toString('base64url')}`;
export const isMemoryId = (id: string): boolean => MEMORY_ID.test(id);

type Reply = Array<string | number | Buffer | Array<string | Buffer>>;
type Script = (...args: Array<string | number | Buffer>) => Promise<Reply | string | number>;
const SCRIPTS = { add: S.ADD, acquire: S.ACQUIRE, release: S.RELEASE, apply: S.APPLY, snapshot: S.SNAPSHOT, list: S.LIST, remove: S.REMOVE, removeAll: S.REMOVE_ALL };

/** A user's long-term memory (libs/memory/memory-scripts.ts): every read and write one script, one round trip. */
export function createMemoryStore(opts: MemoryStoreOptions) {
  const { redis, namespace, partitions, maxPerUser } = opts;
  const call = {} as Record<keyof typeof SCRIPTS | 'snapshotBuffer', Script>;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    const command = `turnq_memory_${name}`;
    if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: 8, lua });
    const r = redis as unknown as Record<string, Script>;
    call[name as keyof typeof SCRIPTS] = r[command].bind(redis);
    if (name === 'snapshot') call.snapshotBuffer = r[`${command}Buffer`].bind(redis);
  }
  const keys = (tenant: string, userId: string) => memoryKeys(namespace, partitions, tenant, userId).scriptKeys;

  return {
    partitionOf: (tenant: string, userId: string) => memoryKeys(namespace, partitions, tenant, userId).partition,
    keysOf: keys,

    async add(tenant: string, userId: string, m: { text: string; kind: MemoryKind; vector: Float32Array }): Promise<Memory> {
      const id = newMemoryId();
      const raw = await call.add(...keys(tenant, userId), id, m.text, m.kind, encodeVector(m.vector), maxPerUser);
      return decodeRecord(userId, id, String(raw));
    },

    async list(tenant: string, userId: string, page: { limit: number; before?: string }): Promise<{ memories: Memory[]; nextBefore: string | null } | 'bad_before'> {
      if (page.before !== undefined && !isMemoryId(page.before)) return 'bad_before';
      const r = await call.list(...keys(tenant, userId), page.limit, page.before ?? '') as Reply;
      if (r[0] === 'bad') return 'bad_before';
      const rest = r.slice(2) as string[];
      const n = rest.length / 2;
      const memories = rest.slice(0, n).map((id, i) => decodeRecord(userId, id, rest[n + i]));
      return { memories, nextBefore: Number(r[1]) === 1 && n > 0 ? memories[n - 1].id : null };
    },

    async remove(tenant: string, userId: string, id: string): Promise<boolean> {
      if (!isMemoryId(id)) return false;
      return Number(await call.remove(...keys(tenant, userId), id)) === 1;
    },

    async removeAll(tenant: string, userId: string): Promise<void> {
      await call.removeAll(...keys(tenant, userId));
    },

    /**
     * Every memory of the user with its vector, and the version they were read at. Given the caller's
     * earlier copy, only what was written since travels (see SNAPSHOT); one round trip either way,
     * unless the copy turns out to lack a memory (then a full read follows).
     */
    async snapshot(tenant: string, userId: string, copy?: MemorySnapshot): Promise<MemorySnapshot> {
      const r = await call.snapshotBuffer(...keys(tenant, userId), copy ? copy.ver : '') as unknown[];
      if (r.length === 1 && copy) return copy;
      const [ver, ids, changed, records, vectors] = r as [number, Buffer[], Buffer[], Array<Buffer | null>, Array<Buffer | null>];
      const fresh = new Map<string, StoredMemory>();
      changed.forEach((id, i) => {
        const rec = records[i];
        const vec = vectors[i];
        if (rec && vec) fresh.set(id.toString(), decodeStored(id.toString(), rec, vec));
      });
      const old = new Map((copy?.memories ?? []).map((m) => [m.id, m]));
      const memories: StoredMemory[] = [];
      for (const raw of ids) {
        const id = raw.toString();
        const m = fresh.get(id) ?? old.get(id);
        if (!m) return copy ? this.snapshot(tenant, userId) : { ver: Number(ver), memories };
        memories.push(m);
      }
      return { ver: Number(ver), memories };
    },

    /**
     * The lease, and the generation of the user's memory the job starts in; `gen`: the one an earlier
     * run of the same job started in, if any (see ACQUIRE).
     */
    async acquire(tenant: string, userId: string, lease: { token: string; turnId: string; ms: number; gen?: string }): Promise<AcquireResult> {
      const r = await call.acquire(...keys(tenant, userId), lease.token, lease.turnId, lease.ms, lease.gen ?? '') as Reply;
      return r[0] === 'ok' ? { kind: 'ok', gen: String(r[1]) } : { kind: r[0] as 'busy' | 'applied' | 'erased' };
    },

    async release(tenant: string, userId: string, token: string): Promise<void> {
      await call.release(...keys(tenant, userId), token);
    },

    /**
     * One turn's changes, exactly once, and only into the generation `gen` the job started in (see
     * APPLY). `used`: memories placed in that turn's prompt.
     */
    async apply(tenant: string, userId: string, a: { token: string; turnId: string; gen: string; ver: number; ops: MemoryOp[]; used: string[] }): Promise<ApplyResult> {
      const ops = a.ops.map((o) => (o.op === 'add' ? { o: 'a', id: newMemoryId(), t: o.text, k: o.kind } : { o: 'u', id: o.id, t: o.text, k: o.kind }));
      const r = await call.apply(...keys(tenant, userId), a.token, a.turnId, a.ver, maxPerUser, JSON.stringify(ops), JSON.stringify(a.used),
        APPLIED_KEPT_MS, a.gen, ...a.ops.map((o) => encodeVector(o.vector))) as Reply;
      if (r[0] !== 'ok') return { kind: r[0] } as ApplyResult;
      return { kind: 'ok', added: Number(r[1]), updated: Number(r[2]), evicted: Number(r[3]) };
    },
  };
}

export type MemoryStore = ReturnType<typeof createMemoryStore>;
