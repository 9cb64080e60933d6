import { readFileSync } from 'node:fs';
import { isIntentLabel, isSentimentLabel, type IntentLabel, type SentimentLabel } from '#libs/intent';

export type Split = 'dev' | 'test';
export const SPLITS: readonly Split[] = ['dev', 'test'];

export interface LabelledLine {
  intent: IntentLabel;
  sentiment: SentimentLabel;
  text: string;
  /** 1-based line number in its file, for error messages and listings. */
  line: number;
}

/**
 * One split of eval/intent: `intent<TAB>sentiment<TAB>utterance` per line, `#` comments. A line that
 * does not parse stops the evaluation: a silently skipped line would change the numbers unseen.
 */
export function readEvalSet(file: string): LabelledLine[] {
  const rows: LabelledLine[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const [intent, sentiment, text, ...rest] = raw.split('\t');
    const where = `${file}:${i + 1}`;
    if (rest.length > 0 || text === undefined || text.trim() === '') throw new Error(`${where}: expected intent<TAB>sentiment<TAB>utterance`);
    if (!isIntentLabel(intent)) throw new Error(`${where}: unknown intent label ${JSON.stringify(intent)}`);
    if (!isSentimentLabel(sentiment)) throw new Error(`${where}: unknown sentiment label ${JSON.stringify(sentiment)}`);
    rows.push({ intent, sentiment, text, line: i + 1 });
  });
  return rows;
}
