import type { IntentTables } from './load-intent-tables';
import type { SentimentLabel } from './sentiment-labels';

/** The tone instructions of intent-tables.json (`tones`), replaceable there like the state prompts. */
export const TONES = ['negative', 'negative_run'] as const;
export type ToneName = (typeof TONES)[number];

/** Negative turns in a row, this one included, from which the stronger instruction applies. */
export const NEGATIVE_RUN = 2;

export interface Tone {
  name: ToneName;
  /** The text added to the system prompt after the state prompt. */
  text: string;
  /** Negative turns in a row, this one included. */
  negativeRun: number;
}

/**
 * A negative turn gets the `negative` instruction (acknowledge, apologise once, be concrete and brief,
 * offer the next step), a run of them the stronger `negative_run`. Any other turn gets none: a neutral
 * one needs no softening and a positive farewell keeps the ending state's warm goodbye as it is.
 * `trend` is the session's marks (- 0 +), newest last, this turn's included.
 */
export function chooseTone(sentiment: SentimentLabel | null, trend: string, tables: IntentTables): Tone | null {
  if (sentiment !== 'negative') return null;
  const negativeRun = Math.max(1, /-*$/.exec(trend)![0].length);
  const name: ToneName = negativeRun >= NEGATIVE_RUN ? 'negative_run' : 'negative';
  return { name, text: tables.tones[name], negativeRun };
}
