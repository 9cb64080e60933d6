import type { ChatMessage } from '#libs/llm';
import { messageTokensFromContent, REPLY_PRIMER_TOKENS } from '#libs/tokens';
import { ContextOverflowError } from './context-overflow-error';
import type { ContextInput, ContextResult } from './context-types';
import { historyUnits, promptTokensOf } from './history-units';
import { selectByImportance, selectNewestFirst } from './select-history';

const SUMMARY_HEADING = 'Summary of the earlier conversation (those messages are not repeated below):';

/**
 * The prompt for one reply within `budget` (contract invariant 5). Costs are counted the way the
 * provider counts prompt_tokens: per message 3 + role + content tokens, plus the reply primer; the
 * system text with `count`, stored messages with the tokens counted when they were stored.
 * Throws ContextOverflowError when the system text and the new turn alone do not fit.
 */
export function buildContext(input: ContextInput): ContextResult {
  const summary = input.summary?.trim() ? input.summary : null;
  const systemText = summary === null ? input.systemPrompt : joinSummary(input.systemPrompt, summary);
  const systemTokens = systemMessageTokens(systemText, input.count);
  const newTurnMessageTokens = messageTokensFromContent(input.newTurnTokens, 'user');

  const fixedTokens = systemTokens + newTurnMessageTokens + REPLY_PRIMER_TOKENS;
  if (fixedTokens > input.budget) throw new ContextOverflowError(fixedTokens, input.budget);

  const units = historyUnits(input.history);
  const room = input.budget - fixedTokens;
  const kept = input.importance ? selectByImportance(units, room, input.newTurn) : selectNewestFirst(units, room);
  const keptMessages = kept.flatMap((unit) => unit.messages);
  const keptTokens = fixedTokens + promptTokensOf(keptMessages);

  const messages: ChatMessage[] = [];
  if (systemText !== '') messages.push({ role: 'system', content: systemText });
  for (const m of keptMessages) messages.push({ role: m.role, content: m.content });
  messages.push({ role: 'user', content: input.newTurn });

  const total = input.totalHistory ?? { messages: input.history.length, tokens: sumTokens(input.history) };
  const historyOverhead = messageTokensFromContent(0, 'user');
  const originalTokens =
    (summary === null ? systemTokens : systemMessageTokens(input.systemPrompt, input.count)) +
    total.tokens +
    total.messages * historyOverhead +
    newTurnMessageTokens +
    REPLY_PRIMER_TOKENS;

  return {
    messages,
    promptTokens: keptTokens,
    keptIds: keptMessages.map((m) => m.id),
    report: {
      originalTokens,
      keptTokens,
      compressionRatio: originalTokens === 0 ? 1 : keptTokens / originalTokens,
      messagesTotal: total.messages,
      messagesKept: keptMessages.length,
      summaryUsed: summary !== null,
    },
  };
}

// The summary rides in the system message: a second system message mid-conversation is handled
// inconsistently across OpenAI-compatible servers, and some reject it.
function joinSummary(systemPrompt: string, summary: string): string {
  const head = systemPrompt.trim() === '' ? '' : `${systemPrompt}\n\n`;
  return `${head}${SUMMARY_HEADING}\n${summary}`;
}

// No system text means no system message at all, and so no overhead for one.
function systemMessageTokens(text: string, count: (text: string) => number): number {
  return text === '' ? 0 : messageTokensFromContent(count(text), 'system');
}

function sumTokens(history: ContextInput['history']): number {
  return history.reduce((sum, m) => sum + m.tokens, 0);
}
