import { messageTokensFromContent } from '#libs/tokens';
import type { HistoryMessage } from './context-types';

/**
 * What the context keeps or drops as a whole: a user message with the assistant reply of the same
 * turn (an answer without its question, or the reverse, misleads the model), or a lone message.
 */
export interface HistoryUnit {
  messages: HistoryMessage[];
  /** Prompt tokens of the unit, chat-format overhead included. */
  tokens: number;
  /** Chronological position among the units, 0 = oldest. */
  index: number;
}

export function historyUnits(history: readonly HistoryMessage[]): HistoryUnit[] {
  const units: HistoryUnit[] = [];
  for (let i = 0; i < history.length; i++) {
    const message = history[i]!;
    const reply = history[i + 1];
    const pair = message.role === 'user' && reply?.role === 'assistant' && reply.turnId === message.turnId;
    const messages = pair ? [message, reply] : [message];
    if (pair) i++;
    units.push({ messages, tokens: promptTokensOf(messages), index: units.length });
  }
  return units;
}

export function promptTokensOf(messages: readonly HistoryMessage[]): number {
  return messages.reduce((sum, m) => sum + messageTokensFromContent(m.tokens, m.role), 0);
}

export function isAnsweredPair(unit: HistoryUnit): boolean {
  return unit.messages.length === 2;
}
