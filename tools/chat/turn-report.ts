import type { Session, Turn } from '#libs/session';

/*
 * Text the terminal chat prints. Plain functions of the API's shapes, so the tests and the chat agree
 * on one format; colour is added by the caller, never baked in here.
 */

const seconds = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);

/**
 * The per-turn report of the origin design, on one line: what the classifier decided and how, the
 * user's sentiment (and the tone it set), where the conversation state went, what the model was
 * billed, how much of the history the prompt kept, and where the time went.
 */
export function turnReport(turn: Turn): string {
  const parts: string[] = [`turn ${turn.seq}`];
  if (turn.intent) parts.push(`intent ${turn.intent.label} (${turn.intent.method} ${turn.intent.confidence.toFixed(2)})`);
  if (turn.sentiment) {
    const tone = turn.context?.tone ? `, tone ${turn.context.tone.instruction}` : '';
    parts.push(`sentiment ${turn.sentiment.label} ${turn.sentiment.intensity.toFixed(2)} (${turn.sentiment.method}${tone})`);
  }
  if (turn.state) parts.push(turn.state.from === turn.state.to ? `state ${turn.state.to} (unchanged)` : `state ${turn.state.from} → ${turn.state.to}`);
  if (turn.usage) parts.push(`tokens ${turn.usage.promptTokens} prompt + ${turn.usage.completionTokens} reply = ${turn.usage.totalTokens}`);
  if (turn.context) {
    const c = turn.context;
    parts.push(`context ${Math.round(c.compressionRatio * 100)}% kept (${c.keptTokens}/${c.originalTokens} tokens, ${c.messagesKept}/${c.messagesTotal} msgs${c.summaryUsed ? ', summary' : ''})`);
  }
  if (turn.timings) {
    const t = turn.timings;
    parts.push(`${seconds(t.totalMs)} (queue ${t.queuedMs} ms, intent ${t.intentMs} ms, reply ${t.responseMs} ms)`);
  }
  if (turn.status !== 'completed') parts.push(`${turn.status.toUpperCase()}${turn.error ? `: ${turn.error.code}: ${turn.error.message}` : ''}`);
  return `[${parts.join(' | ')}]`;
}

export function stateReport(s: Session): string[] {
  const lines = [`session ${s.id}: state ${s.state}, ${s.messageCount} messages, ${s.totalTokens} tokens, ${s.pendingTurns} pending`];
  if (!s.stateHistory.length) lines.push('  no state changes yet (a session starts in greeting)');
  for (const h of s.stateHistory) lines.push(`  ${h.at.slice(11, 19)}  ${h.from} → ${h.to}  (${h.turnId})`);
  return lines;
}

export function summaryReport(s: Session): string[] {
  if (!s.summary) return ['no summary yet: the summary worker folds old history once it passes the budget trigger'];
  return [`summary of the first ${s.summary.coversMessages} messages (${s.summary.tokens} tokens):`, s.summary.text];
}

export const HELP = [
  'commands:',
  '  /new [system prompt]  start a new session (optionally with a system prompt)',
  '  /history              the messages of this session',
  '  /state                the conversation state and its history',
  '  /summary              the rolling summary of old history',
  '  /quit                 leave (also Ctrl+D)',
  'anything else is sent as your turn; the reply streams in, then one line of turn stats.',
];
