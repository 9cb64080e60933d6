import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { freePort, pingRedis } from './spawn-redis';

const run = promisify(execFile);

export interface ClusterNodeProcess {
  port: number;
  busPort: number;
  dir: string;
  process: ChildProcess;
}

/**
 * A private Redis Cluster of real redis-server processes on free loopback ports, for tests and the
 * bench: each node in its own directory with the append-only file on, `cluster-node-timeout` 2 s and
 * an explicit cluster bus port (port + 10000 can pass 65535 for a random high port), and
 * `cluster-require-full-coverage no` (a failing shard does not stop the others).
 */
export interface SpawnedCluster {
  nodes: ClusterNodeProcess[];
  /** REDIS_CLUSTER_NODES for this cluster. */
  seeds: string;
  /** The node that serves `slot` as master now (after a failover: the promoted replica). */
  masterOf(slot: number): Promise<ClusterNodeProcess>;
  /** Current masters, by CLUSTER NODES of a live node. */
  masters(): Promise<ClusterNodeProcess[]>;
  /** Starts a killed node again on its port and directory (it rejoins from its nodes.conf). */
  restart(node: ClusterNodeProcess): Promise<void>;
  /** Resolves once every live node agrees the cluster is ok, all slots served, each master with `replicas` linked; fails after `ms` (120 s). */
  waitHealthy(replicas: number, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

const NODE_TIMEOUT_MS = 2000;

export async function spawnCluster(opts: { masters?: number; replicasPerMaster?: number } = {}): Promise<SpawnedCluster> {
  const masters = opts.masters ?? 3;
  const replicas = opts.replicasPerMaster ?? 1;
  const nodes: ClusterNodeProcess[] = [];
  const cleanup = async () => {
    for (const n of nodes) if (n.process.exitCode === null && n.process.signalCode === null) n.process.kill('SIGKILL');
    for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
    nodes.length = 0;
  };
  // A cluster that does not form (seen once in many runs on a busy box: one replica never joined) is
  // started again on fresh ports, once; a node that exits while it forms ends that attempt at once.
  for (let attempt = 1; ; attempt++) {
    try {
      for (let i = 0; i < masters * (1 + replicas); i++) {
        const node = { port: await freePort(), busPort: await freePort(), dir: mkdtempSync(join(tmpdir(), 'turnq-cluster-')) } as ClusterNodeProcess;
        node.process = startNode(node);
        nodes.push(node);
      }
      for (const n of nodes) await waitPing(n);
      const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
      if (masters >= 3) {
        await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 60_000 });
      } else {
        // redis-cli --cluster create wants 3 masters; a smaller cluster (the bench's 1-master run) is built by hand
        await buildSmallCluster(nodes, masters);
      }
      const cluster = handle([...nodes], masters);
      await untilExit(nodes, cluster.waitHealthy(replicas, FORM_MS));
      return cluster;
    } catch (err) {
      await cleanup();
      if (attempt === 2) throw err;
    }
  }

  function handle(all: ClusterNodeProcess[], m: number): SpawnedCluster {
    const alive = () => all.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
    async function view(): Promise<Array<{ port: number; master: boolean; slots: Array<[number, number]>; masterId: string; id: string; linked: boolean }>> {
      for (const n of alive()) {
        try {
          const text = await query(n.port, ['CLUSTER', 'NODES']);
          return text.trim().split('\n').map((line) => {
            const f = line.split(' ');
            return {
              id: f[0], port: Number(f[1].split('@')[0].split(':')[1]), master: f[2].includes('master') && !f[2].includes('fail'),
              masterId: f[3], linked: f[7] === 'connected',
              slots: f.slice(8).filter((s) => /^\d/.test(s)).map((s) => {
                const [a, b] = s.split('-').map(Number);
                return [a, b ?? a] as [number, number];
              }),
            };
          });
        } catch { /* try the next node */ }
      }
      throw new Error('no cluster node answers');
    }
    const byPort = (port: number) => {
      const n = all.find((x) => x.port === port);
      if (!n) throw new Error(`unknown cluster node port ${port}`);
      return n;
    };
    return {
      nodes: all,
      seeds: all.slice(0, Math.min(3, all.length)).map((n) => `127.0.0.1:${n.port}`).join(','),
      async masterOf(slot) {
        const v = await view();
        const owner = v.find((n) => n.master && n.slots.some(([a, b]) => slot >= a && slot <= b));
        if (!owner) throw new Error(`no master serves slot ${slot}`);
        return byPort(owner.port);
      },
      async masters() {
        return (await view()).filter((n) => n.master && n.slots.length > 0).map((n) => byPort(n.port));
      },
      async restart(node) {
        node.process = startNode(node);
        await waitPing(node);
      },
      async waitHealthy(want, ms = 120_000) {
        const end = Date.now() + ms;
        for (;;) {
          const why = await unhealthy(alive(), m, want);
          if (why === null) return;
          if (Date.now() > end) throw new Error(`cluster not healthy within ${ms / 1000} s (${why}):\n${await query(alive()[0].port, ['CLUSTER', 'NODES']).catch((e: Error) => e.message)}`);
          await new Promise((res) => setTimeout(res, 200));
        }
      },
      async stop() {
        await Promise.all(all.map(async (n) => {
          if (n.process.exitCode !== null || n.process.signalCode !== null) return;
          const exited = new Promise((res) => n.process.once('exit', res));
          n.process.kill('SIGKILL');
          await exited;
        }));
        for (const n of all) rmSync(n.dir, { recursive: true, force: true });
      },
    };
  }
}

/** How long one attempt at forming a new cluster may take (it takes seconds when it works). */
const FORM_MS = 60_000;

/** `p`, or the exit of any of the nodes first (as an error naming it). */
async function untilExit<T>(nodes: ClusterNodeProcess[], p: Promise<T>): Promise<T> {
  const handlers: Array<() => void> = [];
  const exited = new Promise<never>((_, reject) => {
    for (const n of nodes) {
      const h = () => reject(new Error(`redis-server on ${n.port} exited (${n.process.exitCode ?? n.process.signalCode}) while the cluster formed`));
      n.process.once('exit', h);
      handlers.push(() => n.process.off('exit', h));
    }
  });
  try {
    return await Promise.race([p, exited]);
  } finally {
    for (const off of handlers) off();
  }
}

function startNode(n: Pick<ClusterNodeProcess, 'port' | 'busPort' | 'dir'>): ChildProcess {
  return spawn('redis-server', [
    '--port', String(n.port), '--bind', '127.0.0.1', '--dir', n.dir,
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
    '--cluster-port', String(n.busPort),
    // while a master fails over, the other shards keep serving: with the default (yes) every node
    // refuses every command from the moment the failed master's slots are uncovered until its replica
    // is promoted
    '--cluster-require-full-coverage', 'no',
    // a node learns its own address only from a peer's MEET: a 1-master cluster would list its slots
    // under an empty host in CLUSTER SLOTS, and ioredis would wait for a connection to "" for ever
    '--cluster-announce-ip', '127.0.0.1',
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction',
  ], { stdio: 'ignore' });
}

async function waitPing(n: ClusterNodeProcess): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await pingRedis(`redis://127.0.0.1:${n.port}`, 200))) {
    if (n.process.exitCode !== null) throw new Error(`redis-server on ${n.port} exited with ${n.process.exitCode}`);
    if (Date.now() > end) throw new Error(`redis-server on ${n.port} did not answer within 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function query(port: number, args: string[]): Promise<string> {
  const c = new IORedis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return String(await c.call(args[0], ...args.slice(1)));
  } finally {
    c.disconnect();
  }
}

/** Every live node: cluster_state ok, 16384 slots served, `masters` masters each with `replicas` linked replicas. */
async function unhealthy(nodes: ClusterNodeProcess[], masters: number, replicas: number): Promise<string | null> {
  try {
    for (const n of nodes) {
      const info = await query(n.port, ['CLUSTER', 'INFO']);
      if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return `${n.port}: cluster state not ok`;
      const lines = (await query(n.port, ['CLUSTER', 'NODES'])).trim().split('\n').map((l) => l.trim().split(' '));
      const live = lines.filter((f) => !f[2].includes('fail'));
      const ms = live.filter((f) => f[2].includes('master') && f.length > 8);
      if (ms.length !== masters) return `${n.port}: sees ${ms.length} masters with slots`;
      for (const mf of ms) {
        const linked = live.filter((f) => f[2].includes('slave') && f[3] === mf[0] && f[7] === 'connected');
        if (linked.length < replicas) return `${n.port}: sees ${linked.length} replicas of ${mf[1]}`;
      }
      const rep = await query(n.port, ['INFO', 'replication']);
      if (!/role:master/.test(rep) && !/master_link_status:up/.test(rep)) return `${n.port}: replica link down`;
    }
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** CLUSTER MEET, slots split evenly over the first `masters` nodes, the rest replicate them in turn. */
async function buildSmallCluster(nodes: ClusterNodeProcess[], masters: number): Promise<void> {
  for (const n of nodes.slice(1)) await query(n.port, ['CLUSTER', 'MEET', '127.0.0.1', String(nodes[0].port), String(nodes[0].busPort)]);
  const per = Math.ceil(16384 / masters);
  for (let i = 0; i < masters; i++) {
    await query(nodes[i].port, ['CLUSTER', 'ADDSLOTSRANGE', String(i * per), String(Math.min(16383, (i + 1) * per - 1))]);
  }
  const ids = await Promise.all(nodes.slice(0, masters).map((n) => query(n.port, ['CLUSTER', 'MYID'])));
  for (let i = masters; i < nodes.length; i++) {
    const end = Date.now() + 20_000;
    // a replica can only follow a master it already knows through the cluster bus
    for (;;) {
      try {
        await query(nodes[i].port, ['CLUSTER', 'REPLICATE', ids[(i - masters) % masters]]);
        break;
      } catch (err) {
        if (Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
