import type { TokenCounter } from './token-counter';

/**
 * A counter that remembers the counts of the `maxEntries` texts it used most recently (texts up to
 * `maxChars` long): for text counted again and again, like a state's system prompt or a session's
 * summary on every turn, or the history a simulator receives again with every request of a session.
 * Counting is pure, so a remembered count is always right.
 */
export function cachedCounter(counter: TokenCounter, maxEntries: number, maxChars = 4000): TokenCounter {
  const counts = new Map<string, number>();
  return {
    encoding: counter.encoding,
    count(text: string): number {
      if (text.length > maxChars) return counter.count(text);
      const known = counts.get(text);
      if (known !== undefined) {
        counts.delete(text); // now the most recently used
        counts.set(text, known);
        return known;
      }
      const n = counter.count(text);
      if (counts.size >= maxEntries) counts.delete(counts.keys().next().value as string); // the least recently used
      counts.set(text, n);
      return n;
    },
  };
}
