import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartSpecs } from './chart-specs';
import { summaryRows } from './format-summary';
import { renderAll } from './render-svg';
import type { RunSummary } from './summarize-run';
import type { TurnRecord } from './turn-record';

export interface ReportMeta { url: string; startedAt: string; options: Record<string, unknown>; node: string }

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Writes the report directory: report.json (meta, summary, every turn without its reply text), one SVG
 * per chart and index.html with the summary table and the charts. Returns the files written and the
 * charts that failed to render.
 */
export async function writeReport(dir: string, meta: ReportMeta, summary: RunSummary, turns: TurnRecord[]): Promise<{ files: string[]; chartErrors: string[] }> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, body: string) => { writeFileSync(join(dir, name), body); files.push(name); };

  const slim = turns.map(({ response, ...rest }) => ({ ...rest, responseChars: response?.length ?? null }));
  const specs = chartSpecs(turns);
  const rendered = await renderAll(specs);
  put('report.json', JSON.stringify({ meta, summary, charts: specs.map((c) => c.file), turns: slim }, null, 1));
  for (const r of rendered) if (r.svg) put(r.file, r.svg);
  const chartErrors = rendered.filter((r) => r.error).map((r) => `${r.file}: ${r.error}`);

  const rows = summaryRows(summary).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n');
  const options = Object.entries(meta.options).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`).join('\n');
  const violations = summary.order.examples.map((v) => `<li><b>${esc(v.kind)}</b> ${esc(v.sessionId)}: ${esc(v.detail)}</li>`).join('\n');
  const figures = specs.map((c) => {
    const r = rendered.find((x) => x.file === c.file)!;
    return r.svg ? `<figure><img src="${c.file}" alt="${esc(c.title)}"><figcaption>${esc(c.caption)}</figcaption></figure>`
      : `<figure><p>${esc(c.title)}: not rendered (${esc(r.error ?? '')})</p></figure>`;
  }).join('\n');
  put('index.html', `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>turnq loadtest ${esc(meta.startedAt)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4;white-space:nowrap}.ok{color:#1a7f37}.bad{color:#cf222e}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,600px),1fr));gap:1.5em 2em}figure{margin:0}img{width:100%;height:auto}
figcaption{color:#555;font-size:.9em;margin-top:.3em}table.options td{font-family:monospace}</style></head>
<body><h1>turnq loadtest</h1>
<p>${esc(meta.url)} · started ${esc(meta.startedAt)} · node ${esc(meta.node)}</p>
<h2>Options</h2>
<table class="options">${options}</table>
<h2>Summary</h2>
<p class="${summary.order.violations ? 'bad' : 'ok'}">Order check: ${summary.order.violations ? `${summary.order.violations} violations` : 'no violations'}</p>
<table>${rows}</table>
${violations ? `<h2>Violations</h2><ul>${violations}</ul>` : ''}
<h2>Charts</h2>
<div class="charts">${figures}</div>
<p>Raw data: <a href="report.json">report.json</a></p>
</body></html>
`);
  return { files, chartErrors };
}
