import { type Encoding, encodingForModel, isEncoding } from './encoding-for-model';

export interface TokenCounter {
  readonly encoding: Encoding;
  count(text: string): number;
}

type EncodingApi = Pick<typeof import('gpt-tokenizer/encoding/o200k_base'), 'countTokens'>;

/*
 * gpt-tokenizer rather than js-tiktoken: identical counts, 2.4x (cold) to 20x+ (warm merge cache)
 * faster per Korean token and 3-4x faster to build (docs/performance.md, "Tokenizer"). Loading a rank table costs 100-250 ms and
 * tens of MB, so each is required on first use: a process that only ever sees one encoding pays once.
 */
const LOADERS: Record<Encoding, () => EncodingApi> = {
  o200k_base: () => require('gpt-tokenizer/encoding/o200k_base'),
  cl100k_base: () => require('gpt-tokenizer/encoding/cl100k_base'),
};

/*
 * User text may contain strings like "<|endoftext|>". OpenAI tokenizes message content as plain text,
 * so we do too; the library default would throw on them instead.
 */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const counters = new Map<Encoding, TokenCounter>();

/** A counter for a model name or an encoding name; one per encoding per process. */
export function tokenCounter(modelOrEncoding: string): TokenCounter {
  const encoding = isEncoding(modelOrEncoding) ? modelOrEncoding : encodingForModel(modelOrEncoding);
  let counter = counters.get(encoding);
  if (!counter) {
    const api = LOADERS[encoding]();
    counter = {
      encoding,
      count: (text: string) => (text.length === 0 ? 0 : api.countTokens(text, AS_PLAIN_TEXT)),
    };
    counters.set(encoding, counter);
  }
  return counter;
}
