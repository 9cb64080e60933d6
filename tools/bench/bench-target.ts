import { createHttpJson } from '../loadtest/http-json';
import { DIALOGUES } from '../loadtest/dialogues';

export interface TurnOutcome { ok: boolean; ms: number; serverMs: number | null; error: string | null }

/**
 * What the load shapes drive: turnq's gateway or the baseline's in-process server, both spoken to over
 * HTTP with the same client, so the measured difference is the design and not the driver.
 */
export interface BenchTarget {
  name: 'baseline' | 'turnq';
  newSession(): Promise<string>;
  /** One turn to its end (turnq: `?wait=60`, the baseline answers in the request). */
  turn(sessionId: string, content: string): Promise<TurnOutcome>;
  /** Brings a session `turns` turns further as cheaply as the design allows (see the implementations). */
  prefill(sessionId: string, turns: number, from: number): Promise<void>;
  close(): void;
}

/** The origin scenario's lines, in order: every bench conversation uses them, so both designs see the same text. */
export const BENCH_LINES = DIALOGUES[0].lines;
export const lineAt = (i: number) => BENCH_LINES[i % BENCH_LINES.length];

export function httpTarget(name: BenchTarget['name'], baseUrl: string, prefill: BenchTarget['prefill'] | null): BenchTarget {
  const http = createHttpJson(baseUrl, undefined, 120_000);
  const query = name === 'turnq' ? '?wait=60' : '';

  const target: BenchTarget = {
    name,
    async newSession() {
      const r = await http.call('POST', '/v1/sessions', { userId: 'bench' });
      if (r.status !== 201) throw new Error(`${name}: create session answered ${r.status} ${r.text.slice(0, 200)}`);
      return String(r.json.id);
    },
    async turn(sessionId, content) {
      const t0 = performance.now();
      try {
        const r = await http.call('POST', `/v1/sessions/${sessionId}/turns${query}`, { content });
        const ok = r.status === 200 && r.json?.status === 'completed';
        return { ok, ms: performance.now() - t0, serverMs: r.json?.timings?.totalMs ?? null, error: ok ? null : `http_${r.status}${r.json?.status ? `_${r.json.status}` : ''}` };
      } catch (err) {
        return { ok: false, ms: performance.now() - t0, serverMs: null, error: (err as Error).name };
      }
    },
    prefill: prefill ?? (async (sessionId, turns, from) => {
      // turnq: up to 19 turns queued at once (the per-session limit is 20) and the last one waited for;
      // the pipeline runs them strictly in order, so the batch is done when its last turn is.
      for (let done = 0; done < turns;) {
        const batch = Math.min(19, turns - done);
        for (let k = 0; k < batch; k++) {
          const last = k === batch - 1;
          const r = await http.call('POST', `/v1/sessions/${sessionId}/turns${last ? '?wait=60' : ''}`, { content: lineAt(from + done + k) });
          if (r.status !== 202 && r.status !== 200) throw new Error(`${name}: prefill turn answered ${r.status} ${r.text.slice(0, 200)}`);
          if (last && r.json.status !== 'completed') throw new Error(`${name}: prefill turn ended ${r.json.status}`);
        }
        done += batch;
      }
    }),
    close: () => http.close(),
  };
  return target;
}
