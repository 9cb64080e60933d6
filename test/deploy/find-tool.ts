import { spawnSync } from 'node:child_process';

/**
 * External binaries the deploy checks need and the Debian packages that provide them; .ci/run installs
 * these packages, so in CI a missing tool is a failure, not a skip.
 */
export const toolPackages = {
  promtool: 'prometheus',
  'docker-compose': 'docker-compose',
  // .ci/run keeps a kubectl the machine already has (a newer one renders the same manifests).
  kubectl: 'kubernetes-client',
} as const;

export type Tool = keyof typeof toolPackages;

/** How each tool says it is there; kubectl has no --version flag. */
const probeArgs: Partial<Record<Tool, string[]>> = { kubectl: ['version', '--client'] };

export interface ToolCheck {
  /** The tool answers `--version`. */
  available: boolean;
  /** Why the checks that need it are skipped; null when they run. */
  skipReason: string | null;
}

/**
 * Whether `tool` can run here. Outside CI a missing tool skips the tests that need it, with a message
 * saying what to install, so a developer without Prometheus can still run the rest; with CI set the
 * tests run anyway and fail on the missing binary.
 */
export function findTool(tool: Tool, env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const probe = spawnSync(tool, probeArgs[tool] ?? ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (!probe.error && probe.status === 0) return { available: true, skipReason: null };
  if (env.CI) return { available: false, skipReason: null };
  return {
    available: false,
    skipReason: `${tool} is not installed, so these checks are SKIPPED: apt-get install -y --no-install-recommends ${toolPackages[tool]}`,
  };
}

export interface RunResult {
  status: number | null;
  /** stdout and stderr together, in the order a reader needs to see them in a failure. */
  output: string;
}

/** Runs a tool synchronously from the repository root; these checks take well under a second each. */
export function runTool(tool: Tool, args: string[], input?: string, cwd = process.cwd()): RunResult {
  const res = spawnSync(tool, args, { encoding: 'utf8', input, cwd, timeout: 60_000 });
  if (res.error) return { status: null, output: `${tool} could not run: ${res.error.message}` };
  return { status: res.status, output: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

/** `it` when the tool is there (or CI demands it), else a skipped test whose name says why. */
export function itWithTool(tool: Tool): (name: string, fn: () => Promise<void> | void) => void {
  const check = findTool(tool);
  if (check.skipReason) {
    const reason = check.skipReason;
    console.warn(reason);
    return (name) => it.skip(`${name} [${reason}]`, () => undefined);
  }
  return (name, fn) => it(name, async () => fn());
}

/**
 * prom-client's default metrics export three gauges whose names end in _total; promtool flags exactly
 * these lines, and nothing of ours may add to the list.
 */
export const excusedMetricsLintLines = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

/**
 * `promtool check metrics` on one exposition: the lines it reports minus the excused ones. `ran` is
 * false when promtool failed without a word, so that an empty list never passes for a check that did
 * not happen; a promtool that cannot start shows up as a problem line.
 */
export function metricsLintProblems(exposition: string): { ran: boolean; problems: string[] } {
  const res = runTool('promtool', ['check', 'metrics'], exposition);
  const lines = res.output.split('\n').map((l) => l.trim()).filter(Boolean);
  return { ran: res.status === 0 || lines.length > 0, problems: lines.filter((l) => !excusedMetricsLintLines.includes(l)) };
}
