/** Exact token counting with the model's own tokenizer, and OpenAI's chat-format overhead. */
export { type Encoding, ENCODINGS, encodingForModel, isEncoding } from './encoding-for-model';
export { type TokenCounter, tokenCounter } from './token-counter';
export { cachedCounter } from './cached-counter';
export {
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  REPLY_PRIMER_TOKENS,
  type PromptMessage,
  messageTokens,
  messageTokensFromContent,
  chatPromptTokens,
} from './chat-prompt-tokens';
