import { type HistoryUnit, isAnsweredPair } from './history-units';

/*
 * Relative weights, tuned so that relevance to the new turn (overlap) and hard-to-rebuild content
 * (code, figures, names) can lift an old exchange above recent filler, while a run of small talk
 * still loses to the last few exchanges.
 */
const RECENCY = 3;
const RECENCY_DECAY = 0.8;
const OVERLAP = 3;
const CODE = 1.5;
const ANSWERED_QUESTION = 0.75;
const FIGURES = 0.5;
const NAMES = 0.5;
const INTENT: Readonly<Record<string, number>> = {
  task_execution: 0.75,
  problem_solving: 0.75,
  information_seeking: 0.5,
  casual_chat: 0,
  greeting: -0.25,
  ending: -0.25,
};

const CODE_PATTERN = /```|`[^`\n]+`|^(?: {4}|\t)\S/m;
const FIGURES_PATTERN = /\d/;
// camelCase / PascalCase, snake_case, ACRONYMS, or a capitalised word inside a sentence.
const NAMES_PATTERN = /\b[a-z]+[A-Z]\w*|\b[A-Z][a-z]+[A-Z]\w*|\b\w+_\w+\b|\b[A-Z]{2,}\b|[^.!?\n\s]\s+[A-Z][a-z]{2,}/;
const QUESTION_PATTERN = /[?？]|^\s*(?:what|how|why|when|where|who|which|can|could|is|are|do|does)\b|뭐|무엇|어떻게|왜|알려|설명|까요|나요/im;

const ENGLISH_STOPWORDS = new Set(
  'the and for you are was were this that with what how can have not but your from they will would there about which when into does just like please could should then than also some more very'.split(' '),
);
// Korean endings and particles that pair up in almost every sentence and say nothing about the topic.
const KOREAN_STOP_BIGRAMS = new Set(['니다', '습니', '세요', '해주', '주세', '어요', '에요', '하는', '합니', '있는', '는데', '해요', '입니', '이에', '으로', '에서', '하고']);

/** One score per unit, in the units' order; higher means more worth its tokens. */
export function importanceScores(units: readonly HistoryUnit[], newTurn: string): number[] {
  const wanted = topicFeatures(newTurn);
  return units.map((unit) => {
    const age = units.length - 1 - unit.index;
    const text = unit.messages.map((m) => m.content).join('\n');
    const user = unit.messages.find((m) => m.role === 'user');
    let score = RECENCY * RECENCY_DECAY ** age;
    score += OVERLAP * overlap(wanted, text);
    if (CODE_PATTERN.test(text)) score += CODE;
    if (FIGURES_PATTERN.test(text)) score += FIGURES;
    if (NAMES_PATTERN.test(text)) score += NAMES;
    if (isAnsweredPair(unit) && user && QUESTION_PATTERN.test(user.content)) score += ANSWERED_QUESTION;
    const intent = unit.messages.find((m) => m.intent)?.intent;
    if (intent) score += INTENT[intent] ?? 0;
    return score;
  });
}

/**
 * Share of the new turn's topic features found in `text`, in [0, 1]: the same number as intersecting
 * with topicFeatures(text), without building that set for every unit on every turn (it was the
 * response worker's largest own cost; docs/performance.md, "Change 2").
 */
export function overlap(wanted: ReadonlySet<string>, text: string): number {
  if (wanted.size === 0) return 0;
  const lower = text.toLowerCase();
  let hits = 0;
  for (const feature of wanted) if (hasFeature(lower, feature)) hits++;
  return hits / wanted.size;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95; // [a-z0-9_]

/**
 * A Korean feature is a syllable bigram, and any occurrence of two syllables lies inside a Hangul run;
 * an English one is a whole run of [a-z0-9_], so the occurrence must not touch another word character.
 */
function hasFeature(lower: string, feature: string): boolean {
  if (feature.charCodeAt(0) >= 0xac00) return lower.includes(feature);
  for (let i = lower.indexOf(feature); i >= 0; i = lower.indexOf(feature, i + 1)) {
    const end = i + feature.length;
    if ((i === 0 || !isWordChar(lower.charCodeAt(i - 1))) && (end === lower.length || !isWordChar(lower.charCodeAt(end)))) return true;
  }
  return false;
}

/**
 * English words as they are; Korean as syllable bigrams, because particles glue onto words
 * ("크롤링하는", "크롤링을") and bigrams still meet across them.
 */
export function topicFeatures(text: string): Set<string> {
  const features = new Set<string>();
  for (const run of text.toLowerCase().match(/[a-z0-9_]+|[\uac00-\ud7a3]+/g) ?? []) {
    if (/^[\uac00-\ud7a3]/.test(run)) {
      for (let i = 0; i + 2 <= run.length; i++) {
        const bigram = run.slice(i, i + 2);
        if (!KOREAN_STOP_BIGRAMS.has(bigram)) features.add(bigram);
      }
    } else if (run.length >= 3 && !ENGLISH_STOPWORDS.has(run)) {
      features.add(run);
    }
  }
  return features;
}
