import type { TargetResult } from './evaluate-targets';
import { littlesLawNote } from './run-notes';
import type { BenchResults, DesignResult } from './run-bench';

const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1024 / 1024).toFixed(2)} MB`);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v >= 100 ? Math.round(v) : v.toFixed(1)} ms`);

const cpu = (c: DesignResult['cpuPerTurn']) =>
  `${c.totalMsPerTurn} ms (machine ${Math.round(c.busyShare * 100)}% busy${c.otherShare ? `, +${Math.round(c.otherShare * 100)}% others` : ''})`;

function designRows(d: DesignResult | undefined, lengths: number[]) {
  const c = (len: number) => d?.costByLength.find((x) => x.length === len);
  const mem = d?.memoryPer1000IdleSessions.bytesPer1000;
  const parts = mem ? Object.entries(mem).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${mb(v)}`).join(', ') : '';
  return [
    d ? `${d.saturation.turnsPerSec} turns/s` : '—',
    d ? `${ms(d.overheadAtHalfSaturation.latencyMs.p50)} / ${ms(d.overheadAtHalfSaturation.latencyMs.p99)} @ ${d.overheadAtHalfSaturation.rate}/s` : '—',
    ...lengths.map((len) => (c(len) ? `${ms(c(len)!.medianMs)}` : '—')),
    d ? `${d.redisCommandsPerTurn.perTurn}` : '—',
    d ? `${d.redisCpuMsPerTurn} ms (${d.scriptUsPerTurn} µs in scripts)` : '—',
    d ? cpu(d.cpuPerTurn) : '—',
    d ? cpu(d.overheadAtHalfSaturation.cpuPerTurn) : '—',
    mem ? `${mb(mem.total)}${parts ? ` (${parts})` : ''}` : '—',
  ];
}

/** The side-by-side table and the targets, for the terminal. */
export function formatBench(r: BenchResults, targets: TargetResult[], lengths: number[], header: string): string {
  const labels = ['turns/s at saturation', 'overhead p50 / p99 at 50%', ...lengths.map((l) => `cost per turn at length ${l}`), 'Redis commands per turn', 'redis-server CPU per turn', 'CPU per turn at saturation', 'CPU per turn at 50%', 'memory per 1,000 idle sessions'];
  const base = designRows(r.baseline, lengths);
  const tq = designRows(r.turnq, lengths);
  const raw = labels.map(() => '—');
  if (r.rawBullmq) {
    raw[0] = `${r.rawBullmq.jobsPerSec} jobs/s`;
    raw[labels.length - 5] = `${r.rawBullmq.redisCommandsPerJob.perTurn} per job`;
    raw[labels.length - 4] = `${r.rawBullmq.cpuPerJob.msPerTurn['redis-server'] ?? '—'} ms per job`;
    raw[labels.length - 3] = `${r.rawBullmq.cpuPerJob.totalMsPerTurn} ms per job`;
  }
  const tok = (lib: string) => r.tokenizer?.find((t) => t.library.startsWith(lib));
  labels.push('tokenizer µs per token');
  base.push(tok('js-tiktoken') ? `${tok('js-tiktoken')!.usPerToken} (js-tiktoken)` : '—');
  raw.push('—');
  tq.push(tok('gpt-tokenizer') ? `${tok('gpt-tokenizer')!.usPerToken} (gpt-tokenizer)` : '—');

  const cols = [labels, base, raw, tq];
  const heads = ['', 'baseline (sync, origin)', 'raw BullMQ (no-op)', 'turnq (end to end)'];
  const widths = cols.map((col, i) => Math.max(heads[i].length, ...col.map((x) => x.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const lines = [header, row(heads), row(widths.map((w) => '-'.repeat(w)))];
  for (let i = 0; i < labels.length; i++) lines.push(row(cols.map((c) => c[i])));
  lines.push('');
  for (const [name, d] of [['baseline', r.baseline], ['turnq', r.turnq]] as const) {
    if (d) lines.push(`${name} CPU ms per turn: ${Object.entries(d.cpuPerTurn.msPerTurn).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
    if (d?.saturation.notSaturated) lines.push(`${name} saturation: ${d.saturation.notSaturated}`);
  }
  const src = r.turnq?.commandSources;
  if (src) {
    lines.push('', `turnq Redis commands per turn by who issued them (MONITOR, ${src.turns} untimed turns): ${src.perTurn} = ` +
      `turnq scripts ${src.totals.turnqScripts} + BullMQ scripts ${src.totals.bullmqScripts} + direct ${src.totals.direct}`);
    for (const [name, c] of Object.entries(src.bySource)) {
      const inner = Object.entries(c.inner).map(([k, v]) => `${k} ${v}`).join(' ');
      lines.push(`  ${name.padEnd(34)} ${String(c.commands).padStart(6)}  ${c.calls ? `${c.calls} calls: ` : ''}${inner}`);
    }
  }
  const idle = r.turnq?.idleCommandsPerSec;
  if (idle) lines.push(`turnq stack idle: ${idle.perSec} Redis commands/s (${Object.entries(idle.top).map(([k, v]) => `${k} ${v}`).join(' ')})`);
  const mem = r.turnq?.memoryPer1000IdleSessions;
  if (mem?.encodings) {
    lines.push('', `turnq memory per 1,000 idle sessions by key type (keys per session, encodings): ` +
      Object.entries(mem.bytesPer1000).filter(([k]) => k !== 'total')
        .map(([k, v]) => `${k} ${mb(v)} (${mem.keysPerSession[k] ?? '?'}, ${Object.entries(mem.encodings?.[k] ?? {}).map(([e, n]) => `${e} ${n}`).join('/')})`).join(' · '));
  }
  if (mem?.queueKeys) lines.push(`turnq queue keys (bounded, not per session): ${Object.entries(mem.queueKeys).map(([k, v]) => `${k} ${mb(v)}`).join(' · ')}`);
  const l = r.littlesLaw;
  if (l) {
    lines.push('', `Little's law: ${l.sessions} sessions, ${l.llmMs} ms LLM: unloaded latency ${ms(l.unloadedLatencyMs)}, ` +
      `allowed min(N/W₀, capacity ${l.capacityTurnsPerSec ?? '—'}) = ${l.allowedTurnsPerSec} turns/s, measured ${l.measuredTurnsPerSec} turns/s at ${ms(l.measuredLatencyMs)}`);
    const note = littlesLawNote(l.ratio, !r.turnq?.saturation.notSaturated);
    if (note) lines.push(`  (${Math.round(l.ratio * 100)}% of allowed, but ${note})`);
  }
  lines.push('', 'targets');
  for (const t of targets) lines.push(`  ${t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL'}  ${t.goal}: ${t.measured}`);
  return lines.join('\n');
}
