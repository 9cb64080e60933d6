import type { ChatMessage } from '#libs/llm';
import { messageTokensFromContent, REPLY_PRIMER_TOKENS } from '#libs/tokens';
import { ContextOverflowError } from './context-overflow-error';
import type { ContextInput, ContextResult } from './context-types';
import { historyUnits, promptTokensOf } from './history-units';
import { selectByImportance, selectNewestFirst } from './select-history';

const MEMORY_HEADING = 'What you remember about this user from earlier conversations (it may be out of date; use it only where it helps):';
const SUMMARY_HEADING = 'Summary of the earlier conversation (those messages are not repeated below):';

/**
 * The prompt for one reply within `budget` (contract invariant 5). Costs are counted the way the
 * provider counts prompt_tokens: per message 3 + role + content tokens, plus the reply primer; the
 * system text with `count`, stored messages with the tokens counted when they were stored.
 * Throws ContextOverflowError when the system text and the new turn alone do not fit.
 */
export function buildContext(input: ContextInput): ContextResult {
  const summary = input.summary?.trim() ? input.summary : null;
  const withMemories = (memoryLines: string[]) =>
    memoryLines.length === 0 ? input.systemPrompt : joinBlock(input.systemPrompt, `${MEMORY_HEADING}\n${memoryLines.join('\n')}`);
  const compose = (memoryLines: string[]) => (summary === null ? withMemories(memoryLines) : joinSummary(withMemories(memoryLines), summary));
  const bareTokens = systemMessageTokens(compose([]), input.count);
  const newTurnMessageTokens = messageTokensFromContent(input.newTurnTokens, 'user');
  const bareFixed = bareTokens + newTurnMessageTokens + REPLY_PRIMER_TOKENS;
  if (bareFixed > input.budget) throw new ContextOverflowError(bareFixed, input.budget);

  const mem = placeMemories(input, compose, bareTokens, Math.min(input.memories?.maxTokens ?? 0, input.budget - bareFixed));
  const systemText = mem.systemText;
  const systemTokens = bareTokens + mem.tokens;
  const fixedTokens = systemTokens + newTurnMessageTokens + REPLY_PRIMER_TOKENS;

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
    (summary === null ? systemTokens : systemMessageTokens(withMemories(mem.lines), input.count)) +
    total.tokens +
    total.messages * historyOverhead +
    newTurnMessageTokens +
    REPLY_PRIMER_TOKENS;

  return {
    messages,
    promptTokens: keptTokens,
    keptIds: keptMessages.map((m) => m.id),
    memories: { placed: mem.placed, tokens: mem.tokens },
    report: {
      originalTokens,
      keptTokens,
      compressionRatio: originalTokens === 0 ? 1 : keptTokens / originalTokens,
      messagesTotal: total.messages,
      messagesKept: keptMessages.length,
      summaryUsed: summary !== null,
      memories: mem.placed.length,
    },
  };
}

/**
 * Memories best first while the system message grows by at most `cap` tokens. Each line is costed on
 * its own first (cheap), then the composed system text is counted exactly, dropping the last line
 * placed while the join made it cost more than the lines did.
 */
function placeMemories(input: ContextInput, compose: (lines: string[]) => string, bareTokens: number, cap: number):
  { systemText: string; lines: string[]; placed: number[]; tokens: number } {
  const none = { systemText: compose([]), lines: [], placed: [], tokens: 0 };
  const texts = input.memories?.texts ?? [];
  if (texts.length === 0 || cap <= 0) return none;
  const lines: string[] = [];
  const placed: number[] = [];
  let estimate = input.count(MEMORY_HEADING) + 2;
  texts.forEach((text, i) => {
    const line = `- ${text.replace(/\s+/g, ' ').trim()}`;
    const cost = input.count(line) + 1;
    if (estimate + cost > cap) return;
    lines.push(line);
    placed.push(i);
    estimate += cost;
  });
  while (lines.length > 0) {
    const systemText = compose(lines);
    const tokens = systemMessageTokens(systemText, input.count) - bareTokens;
    if (tokens <= cap) return { systemText, lines, placed, tokens };
    lines.pop();
    placed.pop();
  }
  return none;
}

function joinBlock(systemPrompt: string, block: string): string {
  return systemPrompt.trim() === '' ? block : `${systemPrompt}\n\n${block}`;
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
