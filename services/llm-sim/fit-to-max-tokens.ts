import type { TokenCounter } from '#libs/tokens';

export type FinishReason = 'stop' | 'length';

export interface FittedReply {
  text: string;
  completionTokens: number;
  finishReason: FinishReason;
}

/** Splits text into whitespace-led words; joining the pieces gives the text back. */
export function splitPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/**
 * Cuts `text` to the longest prefix of at most `maxTokens` tokens, as a model stops at max_tokens.
 * Whole words are found by binary search, then characters of the next word are added one by one, so
 * the result is usually exactly `maxTokens` long. Counts are always exact counts of the returned text.
 */
export function fitToMaxTokens(counter: TokenCounter, text: string, maxTokens: number | null): FittedReply {
  const full = counter.count(text);
  if (maxTokens === null || full <= maxTokens) return { text, completionTokens: full, finishReason: 'stop' };

  const pieces = splitPieces(text);
  const prefixes: string[] = [''];
  for (const p of pieces) prefixes.push(prefixes[prefixes.length - 1] + p);
  let lo = 0;
  let hi = pieces.length - 1; // the whole text is known to be too long
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (counter.count(prefixes[mid]) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  let cut = prefixes[lo];
  for (const ch of Array.from(pieces[lo] ?? '')) {
    if (counter.count(cut + ch) > maxTokens) break;
    cut += ch;
  }
  return { text: cut, completionTokens: counter.count(cut), finishReason: 'length' };
}
