import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from '#libs/redis';
import { createSessionStore } from '#libs/session';
import { freePort } from '../libs/redis/spawn-redis';
import type { HttpResult } from './http-client';
import type { RunningProcess, Stack } from './start-stack';

/**
 * What the reliability tests share: polling with a deadline (never a sleep that hopes a race away),
 * the simulator's run-time knobs and request log, the SSE view of a turn, history checks and a second
 * gateway process on its own port.
 */

/** Polls `probe` until it returns something truthy; fails naming `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function simConfig(stack: Stack, knobs: Record<string, number | string[]>): Promise<void> {
  const r = await fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
  if (!r.ok) throw new Error(`sim config: ${r.status} ${await r.text()}`);
}

export interface SimRequest {
  at: string; kind: 'chat' | 'classify' | 'summarize'; outcome: string; stream: boolean; json: boolean;
  messages: Array<{ role: string; content: string }>;
}

/** The simulator's request log, oldest first: all it keeps (1000), or the `limit` most recent. */
export async function simRequests(stack: Stack, limit?: number): Promise<SimRequest[]> {
  const r = await fetch(`${stack.simUrl}/_sim/requests${limit ? `?limit=${limit}` : ''}`);
  return ((await r.json()) as { requests: SimRequest[] }).requests;
}

export async function clearSimRequests(stack: Stack): Promise<void> {
  await fetch(`${stack.simUrl}/_sim/requests`, { method: 'DELETE' });
}

export interface SseEvent { id: number; event: string; data: any }

/** The whole event stream of a turn as an SSE client sees it (call once the turn has ended, or it waits for the end). */
export async function readSse(baseUrl: string, turnId: string, headers: Record<string, string> = {}): Promise<SseEvent[]> {
  const res = await fetch(`${baseUrl}/v1/turns/${turnId}/events`, { headers });
  if (res.status !== 200) throw new Error(`events of ${turnId}: ${res.status}`);
  const text = await res.text();
  return text.split('\n\n').filter((b) => b.includes('data:')).map((block) => {
    const get = (k: string) => block.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
    return { id: Number(get('id')), event: get('event')!, data: JSON.parse(get('data')!) };
  });
}

/** A turn's event stream read straight from Redis (one partition): for "wait until the reply is streaming". */
export async function storedEvents(redis: Redis, namespace: string, turnId: string): Promise<Array<{ id: number; type: string; data: string }>> {
  // what any reader gets: the turn's event list, or the events a completed turn keeps as its record (replayTurn)
  return createSessionStore({ redis, namespace, partitions: 1, ttlSeconds: 0 }).events(turnId, 0);
}

/** The reply a client assembles from the stream: the deltas after the last `restarted` status. */
export function replyFromSse(events: SseEvent[]): string {
  let text = '';
  for (const e of events) {
    if (e.event === 'status' && e.data.restarted === true) text = '';
    if (e.event === 'delta') text += e.data.text;
  }
  return text;
}

/**
 * Invariant 2 for one session: exactly one user and one assistant message per completed turn, in turn
 * order, the assistant message carrying the turn's response and the user message its input.
 */
export function expectHistoryOf(messages: any[], completed: Array<{ turnId: string; input: string; response: string }>): void {
  expect(messages.map((m) => `${m.turnId}/${m.role}`)).toEqual(completed.flatMap((t) => [`${t.turnId}/user`, `${t.turnId}/assistant`]));
  completed.forEach((t, i) => {
    expect(messages[2 * i].content).toBe(t.input);
    expect(messages[2 * i + 1].content).toBe(t.response);
  });
}

/**
 * Invariant 1 from the turns' own records: seq order, each started only after the previous one ended.
 * `contiguous: false` when the list may leave out turns of the session (then seq only increases).
 */
export function expectSequential(turns: any[], { contiguous = true } = {}): void {
  if (contiguous) expect(turns.map((t) => t.seq)).toEqual(turns.map((_, i) => i + 1));
  else for (let i = 1; i < turns.length; i++) expect(turns[i].seq).toBeGreaterThan(turns[i - 1].seq);
  for (let i = 1; i < turns.length; i++) {
    expect(Date.parse(turns[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(turns[i - 1].completedAt));
  }
}

export function exited(p: RunningProcess): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve(p.child.exitCode);
  return new Promise((r) => p.child.once('exit', (code) => r(code)));
}

/** Every log line of every process of the stack (the harness writes one file per process). */
export function allLogs(stack: Stack, extraFiles: string[] = []): string {
  const files = readdirSync(stack.logDir).map((f) => join(stack.logDir, f)).concat(extraFiles);
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/**
 * Another gateway replica of `stack` on its own port (the harness gives every gateway the same port),
 * with the same environment as the first one plus `env`.
 */
export async function startGatewayReplica(stack: Stack, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; logFile: string; stop(): Promise<void> }> {
  const first = stack.processes.find((p) => p.service === 'gateway');
  if (!first) throw new Error('the stack has no gateway');
  const port = await freePort();
  const logFile = join(stack.logDir, `gateway-replica-${port}.log`);
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'services', 'gateway', 'main.js')], {
    env: { ...first.env, ...env, PORT: String(port) }, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
  });
  const url = `http://127.0.0.1:${port}`;
  await until('the gateway replica to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`gateway replica exited with ${child.exitCode}`);
    return (await fetch(`${url}/readyz`)).ok;
  });
  return {
    url, child, logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await done;
    },
  };
}

/** One sample of a Prometheus counter/gauge from a /metrics text, 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export const isServerError = (r: Pick<HttpResult, 'status'>): boolean => r.status >= 500;

/** An instant simulator and short lock, stall, backoff and reconcile times: fault tests recover in a few seconds. */
export const FAST_RECOVERY_ENV: Record<string, string> = {
  LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0',
  // a lock a busy 2-core box renews in time (a 1 s lock expired under load and failed healthy jobs as stalled)
  TURNQ_LOCK_DURATION_MS: '5000', TURNQ_STALLED_INTERVAL_MS: '1000', TURNQ_JOB_BACKOFF_MS: '100',
  TURNQ_RECONCILE_INTERVAL_MS: '200', TURNQ_RECONCILE_AFTER_MS: '1000',
};
