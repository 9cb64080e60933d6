import { z } from 'zod';
import lexiconJson from './sentiment-lexicon.json';
import { compileCues, findCues, normalizeText, withoutContained, type CompiledCue } from './match-cues';
import type { SentimentLabel } from './sentiment-labels';

const cueList = z.array(z.string().trim().min(1).max(100));
const lexiconSchema = z.strictObject({
  $comment: z.string().optional(),
  negative: cueList,
  positive: cueList,
  negators: cueList,
  negatorsAfter: cueList,
  intensifiers: cueList,
});

type Polarity = 'negative' | 'positive';

export interface SentimentLexicon {
  cues: CompiledCue<Polarity>[];
  negators: Set<string>;
  negatorsAfter: string[];
  intensifiers: Set<string>;
}

export interface SentimentReading {
  label: SentimentLabel;
  intensity: number;
}

// An intensifier counts a cue half again; "!!" or more adds the same to the side that wins.
const INTENSIFIED = 1.5;
// A negated complaint ("not bad", "안 늦었어요") is weak praise, not its opposite in full.
const NEGATED_NEGATIVE = 0.5;
// The winning side's margin at which intensity reaches 1.
const FULL_INTENSITY_MARGIN = 3;

/** The built-in lexicon (libs/intent/sentiment-lexicon.json), validated once per call site. */
export function loadSentimentLexicon(): SentimentLexicon {
  const raw = lexiconSchema.parse(lexiconJson);
  return {
    cues: compileCues([
      ...raw.negative.map((text) => ({ label: 'negative' as const, text, weight: 1 })),
      ...raw.positive.map((text) => ({ label: 'positive' as const, text, weight: 1 })),
    ]),
    negators: new Set(raw.negators.map(normalizeText)),
    negatorsAfter: raw.negatorsAfter.map(normalizeText),
    intensifiers: new Set(raw.intensifiers.map(normalizeText)),
  };
}

/**
 * The lexicon's reading of one line: every cue, turned round when a negator stands just before it
 * ("안 고마워요", "not helpful") or a negating ending just after it ("고맙지 않아"), counted more after
 * an intensifier (정말, 너무, really, so); the side with more weight wins, a tie is neutral.
 */
export function scoreSentiment(text: string, lexicon: SentimentLexicon): SentimentReading {
  const line = normalizeText(text);
  let positive = 0;
  let negative = 0;
  for (const match of withoutContained(findCues(line, lexicon.cues))) {
    const before = wordsBefore(line, match.start);
    const negated = before.some((w) => lexicon.negators.has(w))
      || lexicon.negatorsAfter.some((ending) => line.startsWith(ending, match.end));
    const weight = match.weight * (before.some((w) => lexicon.intensifiers.has(w)) ? INTENSIFIED : 1);
    const polarity = negated ? (match.label === 'positive' ? 'negative' : 'positive') : match.label;
    if (polarity === 'negative') negative += weight;
    else positive += negated ? weight * NEGATED_NEGATIVE : weight;
  }
  if (positive === negative) return { label: 'neutral', intensity: 0 };
  const margin = Math.abs(positive - negative) + (/!{2,}/.test(line) ? INTENSIFIED - 1 : 0);
  return {
    label: positive > negative ? 'positive' : 'negative',
    intensity: Math.round(Math.min(1, margin / FULL_INTENSITY_MARGIN) * 100) / 100,
  };
}

// The two words before a cue: "not very helpful" is negated, "not sure, but thanks" is not.
function wordsBefore(line: string, at: number): string[] {
  const words = line.slice(Math.max(0, at - 24), at).split(/[\s,.!?~]+/);
  if (at > 0 && !/[\s,.!?~]/.test(line[at - 1]!)) words.pop();
  return words.filter(Boolean).slice(-2);
}
