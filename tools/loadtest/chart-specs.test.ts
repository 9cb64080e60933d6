import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { binStep, binsFor, chartSpecs, throughputWindow } from './chart-specs';
import type { TurnRecord } from './turn-record';

/** A completed turn sent at `sentS` seconds that took `ms`, as the load generator records it. */
function turn(sentS: number, ms: number, seq: number, extra: Partial<TurnRecord> = {}): TurnRecord {
  const sentMs = sentS * 1000;
  return {
    user: 0, sessionId: 'ses_x', lang: 'en', follow: 'sse', input: 'hi', dueMs: sentMs, sentMs, acceptedMs: sentMs + 2,
    firstDeltaMs: sentMs + ms / 2, endedMs: sentMs + ms, httpStatus: 202, turnId: `trn_${seq}`, seq, status: 'completed', error: null,
    intent: { label: 'information_seeking', method: 'keyword' }, usage: { promptTokens: 40 * seq, completionTokens: 60, totalTokens: 40 * seq + 60 },
    context: null, timings: { queuedMs: 3, intentMs: 5, responseMs: ms - 20, totalMs: ms - 10 }, startedAt: null, completedAt: null, response: 'x',
    ...extra,
  };
}

/* Vega is ESM-only and jest's CommonJS sandbox cannot import() it: the built renderer runs in node. */
const RENDER = join(__dirname, '..', '..', 'dist', 'tools', 'loadtest', 'render-svg.js');
function renderSvg(spec: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', `require(${JSON.stringify(RENDER)}).renderSvg(JSON.parse(require('fs').readFileSync(0, 'utf8'))).then((s) => process.stdout.write(s))`],
      { maxBuffer: 64 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    child.stdin!.end(JSON.stringify(spec));
  });
}

/** The tick labels of the axis whose aria-label starts with `axis` (e.g. "X-axis titled 'turns'"). */
function tickLabels(svg: string, axis: string): string[] {
  const at = svg.indexOf(`aria-label="${axis}`);
  if (at < 0) throw new Error(`no axis ${axis} in\n${svg.slice(0, 2000)}`);
  const group = svg.slice(at, svg.indexOf('role-axis-title', at));
  return [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}
const axisDomain = (svg: string, axis: string) => /values from (\S+) to (\S+)"/.exec(svg.slice(svg.indexOf(`aria-label="${axis}`)))!.slice(1, 3);
const whole = (labels: string[]) => labels.every((l) => /^-?[\d,]+$/.test(l));

describe('load-test report charts', () => {
  // Three turns of one conversation, ~1 s apart: small counts are where fractional ticks appear.
  const few = [turn(0, 400, 1), turn(1, 500, 2), turn(2.2, 450, 3)];
  const charts = Object.fromEntries(chartSpecs(few).map((c) => [c.file, c]));
  const svg = (file: string) => renderSvg(charts[file].spec);

  it('counts turns and messages in whole numbers and starts at turn 1, not 0', async () => {
    const processing = await svg('processing-time.svg');
    const x = tickLabels(processing, "X-axis titled 'turn (in completion order)'");
    expect(whole(x)).toBe(true);
    expect(x[0]).toBe('1');
    expect(whole(tickLabels(await svg('intent-distribution.svg'), "X-axis titled 'turns'"))).toBe(true);
    expect(whole(tickLabels(await svg('cumulative-messages.svg'), "Y-axis titled 'messages'"))).toBe(true);
    expect(tickLabels(await svg('tokens-per-turn.svg'), "X-axis titled 'turn number (seq)'")).toEqual(['1', '2', '3']);
    for (const label of tickLabels(await svg('latency-distribution.svg'), "Y-axis titled 'turns'")) expect(label).toMatch(/^\d+$/);
  });

  it('starts the time axes at 0 and names intents as people read them', async () => {
    expect(Number(axisDomain(await svg('cumulative-messages.svg'), "X-axis titled 'seconds since the first turn'")[0])).toBe(0);
    expect(Number(axisDomain(await svg('throughput.svg'), "X-axis titled 'seconds since the first turn'")[0])).toBe(0);
    expect(await svg('intent-distribution.svg')).toContain('>Information seeking<');
  });

  it('tells client and server time apart by colour and by shape', async () => {
    const s = await svg('processing-time.svg');
    expect(s).toContain('end to end (client)');
    expect(s).toContain('server total (timings.totalMs)');
    const enc = (charts['processing-time.svg'].spec as { encoding: Record<string, { scale: { range: string[] } }> }).encoding;
    expect(new Set(enc.color.scale.range).size).toBe(2);
    expect(new Set(enc.shape.scale.range).size).toBe(2);
  });

  it('picks histogram bins for the sample size', () => {
    expect(binsFor(3)).toBe(5);
    expect(binsFor(30)).toBe(6);
    expect(binsFor(144)).toBe(9);
    expect(binsFor(100_000)).toBe(18);
    expect(binStep(18_325, binsFor(144))).toBe(2000); // 10 bins of 2 s for a p100 of 18.3 s
    expect(binStep(500, 5)).toBe(100);
    const latency = charts['latency-distribution.svg'].spec as { vconcat: Array<{ encoding: { x: { bin: { step: number; extent: number[] } } } }> };
    for (const v of latency.vconcat) expect(v.encoding.x.bin.extent[1] / v.encoding.x.bin.step).toBeGreaterThanOrEqual(5);
  });

  it('averages throughput over windows that hold ~10 completions, so a few turns draw no peak', () => {
    expect(throughputWindow(3, 3)).toBe(1); // too short a run for wider windows
    expect(throughputWindow(30, 30)).toBe(6); // 1 turn/s: wide enough for ~10 each, at most a fifth of the run
    expect(throughputWindow(1000, 10)).toBe(1);
    // 20 turns at a steady 2/s, plus one more ending 50 ms after the last window: no spike at the end
    const steady = Array.from({ length: 20 }, (_, i) => turn(i / 2, 200, 1)).concat(turn(9.9, 300, 1));
    const rows = (chartSpecs(steady).find((c) => c.file === 'throughput.svg')!.spec as { data: { values: Array<{ kind: string; rate: number }> } }).data.values;
    const rates = rows.filter((r) => r.kind === 'completed turns/s').map((r) => r.rate);
    expect(Math.max(...rates) / Math.min(...rates)).toBeLessThan(1.6);
  });

  it('draws every chart the same width, axes and legend included, with a title in one style', async () => {
    for (const [file, c] of Object.entries(charts)) {
      const s = c.spec as { title: { anchor: string; fontSize: number } };
      expect(s.title).toMatchObject({ anchor: 'start', fontSize: 14 });
      const width = Number(/^<svg[^>]* width="([\d.]+)"/.exec(await svg(file))![1]);
      // the stacked histograms cannot be fitted: their y axis labels' width moves them by a few pixels
      const off = file === 'latency-distribution.svg' ? 15 : 0;
      expect([file, Math.abs(width - 700) <= off]).toEqual([file, true]);
      expect(c.caption.length).toBeGreaterThan(20);
    }
  });
});
