import { z } from 'zod';
import lexiconJson from './sentiment-lexicon.json';
import { compileCues, findCues, lineForCues, normalizeText, withoutContained, type CueSet } from './match-cues';
import type { SentimentLabel } from './sentiment-labels';

const cueList = z.array(z.string().trim().min(1).max(100));
const lexiconSchema = z.strictObject({
  $comment: z.string().optional(),
  negative: cueList,
  positive: cueList,
  /** Longer cues that hide a shorter one and count nothing ("좋아하는" is liking, not praise). */
  neutral: cueList,
  negators: cueList,
  negatorsAfter: cueList,
  intensifiers: cueList,
});

type Polarity = 'negative' | 'positive' | 'neutral';

export interface SentimentLexicon {
  cues: CueSet<Polarity>;
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
      ...raw.neutral.map((text) => ({ label: 'neutral' as const, text, weight: 0 })),
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
  const line = lineForCues(text);
  let positive = 0;
  let negative = 0;
  for (const match of withoutContained(findCues(line, lexicon.cues))) {
    if (match.label === 'neutral') continue;
    const [second, first] = wordsBefore(line, match.start);
    const intensified = lexicon.intensifiers.has(first ?? '') || lexicon.intensifiers.has(second ?? '');
    // "not helpful", "not very helpful"; but in "안 맞아요 교환해주세요" the 안 belongs to 맞아요 alone.
    const negated = lexicon.negators.has(first ?? '')
      || (lexicon.intensifiers.has(first ?? '') && lexicon.negators.has(second ?? ''))
      || lexicon.negatorsAfter.some((ending) => line.startsWith(ending, match.end));
    const weight = match.weight * (intensified ? INTENSIFIED : 1);
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

// The two whole words before a cue, nearest last; a clause break ("not sure, but thanks") ends them.
function wordsBefore(line: string, at: number): [string | undefined, string | undefined] {
  const words = line.slice(Math.max(0, at - 24), at).split(' ');
  words.pop(); // the part of the cue's own word before it, or '' when the cue starts a word
  const clause = words.slice(-2);
  const cut = clause.findLastIndex((w) => /[,.!?~]$/.test(w));
  const kept = clause.slice(cut + 1);
  return [kept.length === 2 ? kept[0] : undefined, kept.at(-1)];
}
