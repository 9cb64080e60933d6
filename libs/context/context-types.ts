import type { ChatMessage } from '#libs/llm';

/** A stored message as the context builder sees it. */
export interface HistoryMessage {
  id: string;
  turnId: string;
  role: 'user' | 'assistant';
  content: string;
  /** Content tokens with the reply model's tokenizer, counted once when the message was stored. */
  tokens: number;
  /** The intent of the turn the message belongs to, when known. */
  intent?: string | null;
}

export interface ContextInput {
  /** Already composed: the session's prompt plus the state prompt. */
  systemPrompt: string;
  /** The rolling summary; it goes into the system message, never a system message of its own. */
  summary: string | null;
  /** Chronological; the newest unsummarized messages the caller chose to load. */
  history: HistoryMessage[];
  newTurn: string;
  newTurnTokens: number;
  /** TURNQ_MAX_CONTEXT_TOKENS: the whole prompt, overhead and reply primer included. */
  budget: number;
  /** The reply model's tokenizer; used for the system text only. */
  count(text: string): number;
  /** Keep the most useful history (on) or simply the newest (off). */
  importance: boolean;
  /**
   * The whole session's history, summarized and not-loaded messages included, for the `original`
   * figure; `tokens` is content tokens like HistoryMessage.tokens. Default: `history`.
   */
  totalHistory?: { messages: number; tokens: number };
  /**
   * The user's long-term memories, best first, and the most tokens they may add to the prompt. They go
   * into the system message after the system prompt and before the summary, only into room left once
   * the system prompt, the summary and the new turn are counted, and before any history.
   */
  memories?: { texts: string[]; maxTokens: number };
}

export interface ContextReport {
  /** The prompt with the whole history and no summary. */
  originalTokens: number;
  /** The prompt actually built. */
  keptTokens: number;
  /** kept / original; 1 when nothing was left out. */
  compressionRatio: number;
  messagesTotal: number;
  messagesKept: number;
  summaryUsed: boolean;
  /** Long-term memories placed in the prompt. */
  memories: number;
}

export interface ContextResult {
  /** system (with the summary), the kept history in chronological order, then the new user turn. */
  messages: ChatMessage[];
  /** Exactly what the provider will report as prompt_tokens; equals report.keptTokens. */
  promptTokens: number;
  report: ContextReport;
  /** Ids of the history messages included, chronological. */
  keptIds: string[];
  /** Which of `input.memories.texts` were placed (indexes), and the tokens they added. */
  memories: { placed: number[]; tokens: number };
}
