import { formatPercentiles } from './percentiles';
import type { RunSummary } from './summarize-run';

/** The summary as label/value rows: printed as a table on stdout and shown in index.html. */
export function summaryRows(s: RunSummary): Array<[string, string]> {
  const l = s.latencyMs;
  const list = (r: Record<string, number>) => (Object.keys(r).length ? Object.entries(r).map(([k, v]) => `${k} ${v}`).join(' · ') : 'none');
  const o = s.order;
  return [
    ['throughput', `${s.throughput} completed turns/s over ${s.wallSeconds} s`],
    ['turns', `${s.turns.submitted} submitted · ${s.turns.accepted} accepted · ${s.turns.completed} completed · ${s.turns.failed} failed · ${s.turns.cancelled} cancelled`],
    ['sessions', `${s.sessions} of ${s.users} users`],
    ['end to end', formatPercentiles(l.endToEnd)],
    ['queue wait', formatPercentiles(l.queueWait)],
    ['server total', formatPercentiles(l.serverTotal)],
    ['intent stage', formatPercentiles(l.intentStage)],
    ['response stage', formatPercentiles(l.responseStage)],
    ['time to first token', formatPercentiles(l.timeToFirstToken)],
    ['client lag', formatPercentiles(l.clientLag)],
    ['prompt tokens', formatPercentiles(s.tokensPerTurn.prompt, 'tokens')],
    ['completion tokens', formatPercentiles(s.tokensPerTurn.completion, 'tokens')],
    ['total tokens', formatPercentiles(s.tokensPerTurn.total, 'tokens')],
    ['intents', `${list(s.intents)} (method: ${list(s.intentMethods)})`],
    ['compression', `mean kept/original ${s.compression.meanRatio ?? '—'} · ${s.compression.compressedTurns} turns compressed · ${s.compression.summaryUsedTurns} used a summary · messages kept/total ${s.compression.meanMessagesKept ?? '—'}/${s.compression.meanMessagesTotal ?? '—'}`],
    ['errors', list(s.errors)],
    ['order check', `${o.sessionsChecked} sessions, ${o.turnsChecked} turns: ${o.violations === 0 ? 'OK, no violations' : `${o.violations} VIOLATIONS (${list(o.byKind)})`}`],
  ];
}

/** A fixed-width table for the terminal. */
export function formatSummary(s: RunSummary, header: string): string {
  const rows = summaryRows(s);
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [header, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
  for (const v of s.order.examples.slice(0, 10)) lines.push(`  ! ${v.kind} in ${v.sessionId}: ${v.detail}`);
  for (const n of s.order.notes.slice(0, 5)) lines.push(`  note: ${n}`);
  return lines.join('\n');
}
