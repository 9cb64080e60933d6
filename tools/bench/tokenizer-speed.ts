import { encodingForModel } from 'js-tiktoken';
import { tokenCounter } from '#libs/tokens';
import { round } from '../loadtest/percentiles';
import { DIALOGUES } from '../loadtest/dialogues';

export interface TokenizerSpeed { library: string; encoding: string; tokens: number; usPerToken: number }

/**
 * µs per token of the baseline's tokenizer (js-tiktoken, as the origin used tiktoken) and turnq's
 * (gpt-tokenizer through libs/tokens), on the bench's chat text made distinct per message so neither
 * library's caches see only repeats. Each library counts the corpus once to warm up, then `passes` times.
 */
export function measureTokenizers(model: string, messages: number, passes: number): TokenizerSpeed[] {
  const lines = DIALOGUES.flatMap((d) => d.lines);
  const corpus = Array.from({ length: messages }, (_, i) =>
    `${lines[i % lines.length]} (${i}) ${lines[(i * 7 + 3) % lines.length]} 참고 번호 ${i * 31 % 997}, ticket #${i * 17}.`);
  const tiktoken = encodingForModel(model as Parameters<typeof encodingForModel>[0]);
  const counter = tokenCounter(model);
  const libs: Array<[string, (t: string) => number]> = [
    ['js-tiktoken (baseline)', (t) => tiktoken.encode(t).length],
    ['gpt-tokenizer (turnq)', (t) => counter.count(t)],
  ];
  return libs.map(([library, count]) => {
    let tokens = 0;
    for (const t of corpus) tokens += count(t);
    const t0 = performance.now();
    for (let p = 0; p < passes; p++) for (const t of corpus) count(t);
    const us = ((performance.now() - t0) * 1000) / (tokens * passes);
    return { library, encoding: counter.encoding, tokens, usPerToken: round(us, 3) };
  });
}
