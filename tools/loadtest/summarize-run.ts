import type { OrderCheck } from './check-order';
import { percentiles, round, tally, type Percentiles } from './percentiles';
import type { TurnRecord } from './turn-record';

export interface RunSummary {
  wallSeconds: number;
  users: number;
  sessions: number;
  turns: { submitted: number; accepted: number; completed: number; failed: number; cancelled: number; withError: number };
  /** Completed turns per second of wall time (first send to last end). */
  throughput: number;
  latencyMs: {
    endToEnd: Percentiles; queueWait: Percentiles; serverTotal: Percentiles; intentStage: Percentiles; responseStage: Percentiles;
    timeToFirstToken: Percentiles; clientLag: Percentiles;
  };
  tokensPerTurn: { prompt: Percentiles; completion: Percentiles; total: Percentiles };
  intents: Record<string, number>;
  intentMethods: Record<string, number>;
  compression: { meanRatio: number | null; compressedTurns: number; summaryUsedTurns: number; meanMessagesKept: number | null; meanMessagesTotal: number | null };
  errors: Record<string, number>;
  order: OrderCheck;
}

/** The run's numbers, from the per-turn records and the order check. */
export function summarizeRun(turns: TurnRecord[], sessionErrors: string[], users: number, sessions: number, order: OrderCheck): RunSummary {
  const done = turns.filter((t) => t.status === 'completed');
  const starts = turns.map((t) => t.sentMs);
  const ends = turns.flatMap((t) => (t.endedMs === null ? [] : [t.endedMs]));
  const wallSeconds = starts.length && ends.length ? Math.max(0.001, (Math.max(...ends) - Math.min(...starts)) / 1000) : 0;
  const num = (f: (t: TurnRecord) => number | null | undefined, from = done) => from.flatMap((t) => { const v = f(t); return v === null || v === undefined ? [] : [v]; });
  const ctx = done.flatMap((t) => (t.context ? [t.context] : []));
  const mean = (xs: number[]) => (xs.length ? round(xs.reduce((s, v) => s + v, 0) / xs.length, 3) : null);
  return {
    wallSeconds: round(wallSeconds),
    users,
    sessions,
    turns: {
      submitted: turns.length,
      accepted: turns.filter((t) => t.turnId).length,
      completed: done.length,
      failed: turns.filter((t) => t.status === 'failed').length,
      cancelled: turns.filter((t) => t.status === 'cancelled').length,
      withError: turns.filter((t) => t.error).length,
    },
    throughput: wallSeconds ? round(done.length / wallSeconds) : 0,
    latencyMs: {
      endToEnd: percentiles(num((t) => (t.endedMs === null ? null : t.endedMs - t.sentMs))),
      queueWait: percentiles(num((t) => t.timings?.queuedMs)),
      serverTotal: percentiles(num((t) => t.timings?.totalMs)),
      intentStage: percentiles(num((t) => t.timings?.intentMs)),
      responseStage: percentiles(num((t) => t.timings?.responseMs)),
      timeToFirstToken: percentiles(num((t) => (t.firstDeltaMs === null ? null : t.firstDeltaMs - t.sentMs))),
      clientLag: percentiles(num((t) => t.sentMs - t.dueMs, turns)),
    },
    tokensPerTurn: {
      prompt: percentiles(num((t) => t.usage?.promptTokens)),
      completion: percentiles(num((t) => t.usage?.completionTokens)),
      total: percentiles(num((t) => t.usage?.totalTokens)),
    },
    intents: tally(done.flatMap((t) => (t.intent ? [t.intent.label] : []))),
    intentMethods: tally(done.flatMap((t) => (t.intent ? [t.intent.method] : []))),
    compression: {
      meanRatio: mean(ctx.map((c) => c.compressionRatio)),
      compressedTurns: ctx.filter((c) => c.compressionRatio < 1).length,
      summaryUsedTurns: ctx.filter((c) => c.summaryUsed).length,
      meanMessagesKept: mean(ctx.map((c) => c.messagesKept)),
      meanMessagesTotal: mean(ctx.map((c) => c.messagesTotal)),
    },
    errors: tally([...turns.flatMap((t) => (t.error ? [t.error] : [])), ...sessionErrors]),
    order,
  };
}
