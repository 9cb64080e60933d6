import type { Classification, ConversationState } from './intent-labels';
import type { IntentTables } from './load-intent-tables';

/** Below this the keyword path abstains and the caller asks the LLM. */
export const DEFAULT_KEYWORD_THRESHOLD = 0.45;

interface Cue {
  label: ConversationState;
  text: string;
  weight: number;
  wordStart: boolean;
  wordEnd: boolean;
}

interface Match {
  label: ConversationState;
  start: number;
  end: number;
  weight: number;
}

const ASCII_WORD_CHAR = /[a-z0-9]/;
// A Hangul syllable carries about as much as two Latin letters, so "안녕" (4) outweighs "hi" (2).
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;

// Tables are loaded once per process and never changed afterwards, so their cues are prepared once.
const compiledCues = new WeakMap<IntentTables, Cue[]>();

/**
 * Per-label evidence, after dropping every match that lies inside a longer match: "안녕히" counts for
 * ending and its "안녕" no longer counts for greeting. English cues only match whole words ("hi" is
 * not in "this"); Korean cues match inside words because particles and endings attach to them.
 */
export function keywordScores(text: string, tables: IntentTables): Map<ConversationState, number> {
  const matches = findMatches(normalize(text), cuesOf(tables));
  const scores = new Map<ConversationState, number>();
  for (const match of withoutContained(matches)) {
    scores.set(match.label, (scores.get(match.label) ?? 0) + match.weight);
  }
  return scores;
}

/**
 * The label the keywords clearly point to, or null when nothing matched, two labels tie, or the
 * confidence stays under the threshold. Confidence is the winner's share of all evidence, damped
 * while the evidence is thin (a lone "?" is not enough to be sure).
 */
export function classifyByKeywords(
  text: string,
  tables: IntentTables,
  threshold: number = DEFAULT_KEYWORD_THRESHOLD,
): Classification | null {
  const ranked = [...keywordScores(text, tables)].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined) return null;
  if (second !== undefined && second[1] === best[1]) return null;
  const total = ranked.reduce((sum, [, score]) => sum + score, 0);
  const strength = 1 - 2 ** (-best[1] / 2);
  const confidence = Math.round((best[1] / total) * strength * 1000) / 1000;
  return confidence >= threshold ? { label: best[0], confidence } : null;
}

function normalize(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ');
}

function cuesOf(tables: IntentTables): Cue[] {
  const cached = compiledCues.get(tables);
  if (cached) return cached;
  const cues: Cue[] = [];
  for (const [label, table] of Object.entries(tables.labels) as [ConversationState, IntentTables['labels'][ConversationState]][]) {
    for (const raw of new Set([...table.keywords, ...table.phrases])) {
      const text = normalize(raw.trim());
      if (text === '') continue;
      cues.push({
        label,
        text,
        weight: [...text].reduce((sum, ch) => sum + (ch === ' ' ? 0 : HANGUL.test(ch) ? 2 : 1), 0),
        wordStart: ASCII_WORD_CHAR.test(text[0]!),
        wordEnd: ASCII_WORD_CHAR.test(text[text.length - 1]!),
      });
    }
  }
  compiledCues.set(tables, cues);
  return cues;
}

function findMatches(text: string, cues: Cue[]): Match[] {
  const matches: Match[] = [];
  for (const cue of cues) {
    let at = text.indexOf(cue.text);
    while (at !== -1) {
      const end = at + cue.text.length;
      const startOk = !cue.wordStart || at === 0 || !ASCII_WORD_CHAR.test(text[at - 1]!);
      const endOk = !cue.wordEnd || end === text.length || !ASCII_WORD_CHAR.test(text[end]!);
      if (startOk && endOk) matches.push({ label: cue.label, start: at, end, weight: cue.weight });
      at = text.indexOf(cue.text, startOk && endOk ? end : at + 1);
    }
  }
  return matches;
}

/**
 * Sorted by start, longest first, every earlier match with a different span starts no later than the
 * current one and is at least as long, so "contained" reduces to "an earlier span reaches as far".
 * Identical spans (one cue listed under two labels) do not hide each other: that is a real tie.
 */
function withoutContained(matches: Match[]): Match[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Match[] = [];
  let reach = -1;
  for (let i = 0; i < matches.length; ) {
    const { start, end } = matches[i]!;
    let j = i;
    while (j < matches.length && matches[j]!.start === start && matches[j]!.end === end) j++;
    if (reach < end) kept.push(...matches.slice(i, j));
    reach = Math.max(reach, end);
    i = j;
  }
  return kept;
}
