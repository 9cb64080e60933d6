import type { TokenCounter } from './token-counter';

/*
 * OpenAI's documented chat-format accounting (openai-cookbook, "How to count tokens with tiktoken"):
 * every message is framed as <|im_start|>{role}<|im_sep|>{content}<|im_end|>, 3 tokens besides the
 * role and content; a name adds its own tokens plus 1; the reply is primed with
 * <|im_start|>assistant<|im_sep|>, 3 more. The cookbook verifies these against the API's prompt_tokens.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMER_TOKENS = 3;

export interface PromptMessage {
  role: string;
  content: string;
  name?: string;
}

/*
 * Each of these roles is a single token in both o200k_base and cl100k_base (asserted in the tests),
 * so stored messages can be re-budgeted without a tokenizer at hand.
 */
const ROLE_TOKENS: Readonly<Record<string, number>> = {
  system: 1,
  user: 1,
  assistant: 1,
  developer: 1,
  tool: 1,
  function: 1,
};

function roleTokens(role: string): number {
  // A token is at least one byte, so the byte length never undercounts an unexpected role.
  return ROLE_TOKENS[role] ?? Buffer.byteLength(role, 'utf8');
}

export function messageTokens(counter: TokenCounter, m: PromptMessage): number {
  let tokens = TOKENS_PER_MESSAGE + roleTokens(m.role) + counter.count(m.content);
  if (m.name !== undefined) tokens += TOKENS_PER_NAME + counter.count(m.name);
  return tokens;
}

/**
 * For stored messages whose content was counted once. When the message carries a name, the name's
 * own tokens must already be included in `contentTokens`; `hasName` adds only the per-name overhead.
 */
export function messageTokensFromContent(contentTokens: number, role: string, hasName = false): number {
  return TOKENS_PER_MESSAGE + roleTokens(role) + contentTokens + (hasName ? TOKENS_PER_NAME : 0);
}

/** What the provider reports as `usage.prompt_tokens` for these messages (no tools, no images). */
export function chatPromptTokens(counter: TokenCounter, messages: readonly PromptMessage[]): number {
  let total = REPLY_PRIMER_TOKENS;
  for (const m of messages) total += messageTokens(counter, m);
  return total;
}
