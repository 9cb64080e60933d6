import { createServer } from 'node:net';
import { freePort } from '#libs/redis';

/** Where each worker serves /metrics unless told otherwise (the ports docker-compose and Prometheus use). */
const DEFAULT_METRICS_PORTS: Readonly<Record<string, number>> = { 'intent-worker': 9101, 'response-worker': 9102, 'summary-worker': 9103, 'memory-worker': 9104 };
const DEFAULT_SIM_PORT = 8089;

export interface StackPorts {
  /** Per worker; the gateway serves /metrics on its own PORT. */
  metrics: Record<string, number>;
  /** null when the simulator is not started. */
  simulator: number | null;
}

/** Whether nothing listens on `port` right now (on every interface, as the metrics servers bind). */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

const preferred = async (port: number | undefined) => (port !== undefined && (await isFree(port)) ? port : freePort());

/**
 * Ports for one `npm start`, so a second stack on the same machine starts without clashing:
 * METRICS_PORT=N gives the workers N, N+1, N+2… in order; METRICS_PORT=0 gives each a free port;
 * unset, each worker keeps its usual port when that is free and gets a free one when it is not. The
 * simulator likewise: LLM_SIM_PORT when set (0: a free one), else 8089 when free.
 */
export async function pickPorts(workers: readonly string[], env: NodeJS.ProcessEnv, simulator: boolean): Promise<StackPorts> {
  const metrics: Record<string, number> = {};
  const base = env.METRICS_PORT === undefined || env.METRICS_PORT === '' ? null : port('METRICS_PORT', env.METRICS_PORT);
  for (const [i, w] of workers.entries()) {
    metrics[w] = base === null ? await preferred(DEFAULT_METRICS_PORTS[w]) : base === 0 ? await freePort() : base + i;
  }
  if (!simulator) return { metrics, simulator: null };
  const simPort = env.LLM_SIM_PORT === undefined || env.LLM_SIM_PORT === '' ? null : port('LLM_SIM_PORT', env.LLM_SIM_PORT);
  return { metrics, simulator: simPort === null ? await preferred(DEFAULT_SIM_PORT) : simPort === 0 ? await freePort() : simPort };
}

function port(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}: expected a port from 0 to 65535, got ${JSON.stringify(raw)}`);
  return n;
}
