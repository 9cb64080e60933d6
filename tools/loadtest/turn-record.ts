/** What the load generator keeps about each turn it submitted: client-side times and the final Turn's fields. */
export type FollowMode = 'sse' | 'wait';

export interface TurnRecord {
  user: number;
  sessionId: string;
  lang: 'ko' | 'en';
  follow: FollowMode;
  input: string;
  /** Client times, ms since the run started: when the turn was due, sent, accepted, first delta, ended. */
  dueMs: number;
  sentMs: number;
  acceptedMs: number | null;
  firstDeltaMs: number | null;
  endedMs: number | null;
  httpStatus: number | null;
  /** null while the turn was never accepted (refused or lost before a turnId came back). */
  turnId: string | null;
  seq: number | null;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | null;
  /** Error kind for the summary: `http_429`, `network_ECONNRESET`, `turn_llm_server`, `timeout`, `stream_mismatch`. */
  error: string | null;
  intent: { label: string; method: string } | null;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number } | null;
  context: { originalTokens: number; keptTokens: number; compressionRatio: number; messagesTotal: number; messagesKept: number; summaryUsed: boolean } | null;
  timings: { queuedMs: number; intentMs: number; responseMs: number; totalMs: number } | null;
  /** Server times (ISO) of the Turn, used by the order check. */
  startedAt: string | null;
  completedAt: string | null;
  /** The reply, kept for the history check; not written to report.json. */
  response: string | null;
}

/** The fields of a Turn the load generator copies into its record. */
export function applyTurn(rec: TurnRecord, turn: any): void {
  rec.turnId = turn.turnId;
  rec.seq = turn.seq;
  rec.status = turn.status;
  rec.intent = turn.intent ? { label: turn.intent.label, method: turn.intent.method } : null;
  rec.usage = turn.usage ?? null;
  rec.context = turn.context ?? null;
  rec.timings = turn.timings ?? null;
  rec.startedAt = turn.startedAt ?? null;
  rec.completedAt = turn.completedAt ?? null;
  rec.response = turn.response ?? null;
  if (turn.status === 'failed') rec.error ??= `turn_${turn.error?.code ?? 'failed'}`;
  if (turn.status === 'cancelled') rec.error ??= 'turn_cancelled';
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
