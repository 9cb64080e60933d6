import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');
export const dashboardsDir = join(repoRoot, 'deploy/grafana/dashboards');
export const ruleFiles = ['deploy/prometheus/rules.yml', 'deploy/prometheus/alerts.yml'].map((f) => join(repoRoot, f));

/**
 * Grafana's built-in variables, with values that make a panel expression valid PromQL that a plain
 * Prometheus can evaluate (1m is four 15 s scrapes, like $__rate_interval would be). Longer names
 * first: `$__range` is a prefix of `$__range_s`.
 */
const grafanaVariables: Array<[RegExp, string]> = [
  [/\$\{?__rate_interval\}?/g, '1m'],
  [/\$\{?__interval_ms\}?/g, '60000'],
  [/\$\{?__interval\}?/g, '1m'],
  [/\$\{?__range_ms\}?/g, '3600000'],
  [/\$\{?__range_s\}?/g, '3600'],
  [/\$\{?__range\}?/g, '1h'],
  // the dashboard's template variables at "All" (their allValue)
  [/\$\{?namespace\}?/g, '.*'],
  [/\$\{?job\}?/g, '.*'],
  [/\$\{?instance\}?/g, '.*'],
];

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

export interface PanelExpression {
  file: string;
  panel: string;
  expr: string;
}

/** Every PromQL target of every panel (rows' nested panels included) of every dashboard file. */
export function dashboardPanelExpressions(dir = dashboardsDir): PanelExpression[] {
  const out: PanelExpression[] = [];
  const visit = (file: string, panels: Panel[] | undefined): void => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr) out.push({ file, panel: panel.title ?? '(untitled)', expr: resolveGrafanaVariables(target.expr) });
      }
      visit(file, panel.panels);
    }
  };
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    visit(file, (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { panels?: Panel[] }).panels);
  }
  return out;
}

/** Every dashboard panel expression, ready to send to Prometheus' query API. */
export function dashboardExpressions(dir = dashboardsDir): string[] {
  return dashboardPanelExpressions(dir).map((p) => p.expr);
}

/** Replaces Grafana's variables; a variable it does not know is an error, not a silent bad query. */
export function resolveGrafanaVariables(expr: string): string {
  const resolved = grafanaVariables.reduce((e, [pattern, value]) => e.replace(pattern, value), expr);
  const unknown = /\$\{?\w+/.exec(resolved);
  if (unknown) throw new Error(`unknown Grafana variable ${unknown[0]} in ${expr}; add a value for it in test/deploy/promql-expressions.ts`);
  return resolved;
}

export interface RuleExpression {
  file: string;
  /** The `record:` or `alert:` name. */
  name: string;
  kind: 'record' | 'alert';
  expr: string;
}

/**
 * The rules of Prometheus rule files, read line by line. The files use two forms of `expr:` (inline,
 * and a `|` block indented under it); the deploy test compares the count with promtool's, so a form
 * this reader does not understand fails the test instead of hiding a rule from it.
 */
export function rulesOf(file: string): RuleExpression[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: RuleExpression[] = [];
  let current: { name: string; kind: 'record' | 'alert' } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const head = /^\s*-?\s*(record|alert):\s*(\S+)\s*$/.exec(lines[i]);
    if (head) current = { kind: head[1] as 'record' | 'alert', name: head[2] };
    const expr = /^(\s*)expr:\s*(.*)$/.exec(lines[i]);
    if (!expr || !current) continue;
    let text = expr[2].trim();
    if (/^[|>][-+]?$/.test(text)) {
      const block: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1].trim() === '' || indentOf(lines[i + 1]) > expr[1].length)) block.push(lines[++i].trim());
      text = block.join('\n').trim();
    } else if (/^'.*'$/.test(text)) {
      text = text.slice(1, -1).replace(/''/g, "'");
    } else if (/^".*"$/.test(text)) {
      text = JSON.parse(text) as string;
    }
    out.push({ file, ...current, expr: text });
    current = null;
  }
  return out;
}

/** Every recording-rule and alert expression of rules.yml and alerts.yml. */
export function ruleExpressions(files = ruleFiles): string[] {
  return files.flatMap((f) => rulesOf(f).map((r) => r.expr));
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
