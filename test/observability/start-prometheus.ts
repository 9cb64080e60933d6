import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../libs/redis/spawn-redis';

export interface QueryResult { status: string; error?: string; data?: { resultType: string; result: unknown[] } }

export interface RunningPrometheus {
  url: string;
  /** An instant query at the current time through the HTTP API. */
  query(expr: string): Promise<QueryResult>;
  /** GET on any API path, parsed. */
  api<T>(path: string): Promise<T>;
  log(): string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Scrape job name → host:port targets (static, the stack's loopback ports). */
  targets: Record<string, string[]>;
  ruleFiles: string[];
  /** Labels on every target, as service discovery would add them (prometheus-operator: `namespace`). */
  labels?: Record<string, string>;
}

/**
 * The Debian `prometheus` binary on loopback with a throw-away TSDB: scrapes and evaluates rules every
 * second, so a short test sees rates. Job names are the deployment's, so the rules' `job` selectors
 * match as they would in the compose stack.
 */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'turnq-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: opts.ruleFiles,
    scrape_configs: Object.entries(opts.targets).map(([job, targets]) => ({ job_name: job, static_configs: [{ targets, labels: opts.labels ?? {} }] })),
  };
  // JSON is YAML, so the config needs no YAML writer.
  writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const logFile = join(dir, 'prometheus.log');
  const child = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const log = () => { try { return readFileSync(logFile, 'utf8'); } catch { return '(no log)'; } };

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  for (const end = Date.now() + 20_000; ;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > end) { await stop(); throw new Error(`prometheus was not ready within 20 s:\n${log()}`); }
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T;
  return {
    url,
    api,
    query: (expr) => api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    log,
    stop,
  };
}
