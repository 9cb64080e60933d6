/**
 * Finding table cues in a user's line, shared by the intent scorer and the sentiment lexicon so both
 * read text the same way. English cues match whole words and their inflections (a listed "crash" also
 * finds "crashes", "crashed", "crashing"); Korean cues match anywhere in a word, because particles and
 * endings attach to the stem ("환불" in "환불해주세요").
 */
export interface CueSpec<L extends string> {
  label: L;
  text: string;
  /** Defaults to the cue's length, a Hangul syllable counting as two Latin letters. */
  weight?: number;
}

export interface CompiledCue<L extends string> {
  label: L;
  text: string;
  weight: number;
  pattern: RegExp | null;
  /** Text every match contains; a line without it skips the pattern (most cues are absent from a line). */
  probe: string;
}

/** Cues by the first character of their text: a line is only checked for cues it could contain. */
export type CueSet<L extends string> = Map<string, CompiledCue<L>[]>;

export interface CueMatch<L extends string> {
  label: L;
  start: number;
  end: number;
  weight: number;
}

const ASCII_WORD_CHAR = /[a-z0-9]/;
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/;
// Words this short are too often the start of another word ("hi" → "his", "bye" → "byes"): exact only.
const MIN_INFLECTED_LENGTH = 4;

// The fast path reads a long paste's opening and its end, where the user says what they want ("... why
// does this fail?"), so its cost stays bounded: a 32 KB line is read as 1.5 KB.
const HEAD_CHARS = 1000;
const TAIL_CHARS = 500;

/** A line as the fast path reads it: lower case, NFC, one space for any run of white space, bounded. */
export function lineForCues(text: string): string {
  const bounded = text.length <= HEAD_CHARS + TAIL_CHARS ? text : `${text.slice(0, HEAD_CHARS)}\n${text.slice(-TAIL_CHARS)}`;
  return normalizeText(bounded);
}

export function normalizeText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/\s+/g, ' ');
}

/** A Hangul syllable carries about as much as two Latin letters, so "안녕" (4) outweighs "hi" (2). */
export function cueWeight(text: string): number {
  return [...text].reduce((sum, ch) => sum + (ch === ' ' ? 0 : HANGUL.test(ch) ? 2 : 1), 0);
}

export function compileCues<L extends string>(specs: Iterable<CueSpec<L>>): CueSet<L> {
  const cues: CueSet<L> = new Map();
  for (const spec of specs) {
    const text = normalizeText(spec.text.trim());
    if (text === '') continue;
    const pattern = englishPattern(text);
    // every inflected form keeps all but a final "e" or "y" (creat-ing, tri-ed)
    const probe = pattern && /[ey]$/.test(text) ? text.slice(0, -1) : text;
    // by code point, as iterating the line yields them (an emoji is two UTF-16 units)
    const first = String.fromCodePoint(text.codePointAt(0)!);
    cues.set(first, [...(cues.get(first) ?? []), { label: spec.label, text, weight: spec.weight ?? cueWeight(text), pattern, probe }]);
  }
  return cues;
}

/**
 * A cue that starts or ends with a Latin letter or digit must sit on word boundaries there; its last
 * word, when long enough, may carry an inflection: -s/-es/-ed/-ing, with a final "e" dropped
 * ("create" → "creating") or a final consonant doubled ("stop" → "stopped"), and "y" → "ies"/"ied".
 */
function englishPattern(text: string): RegExp | null {
  const first = text[0]!;
  const last = text[text.length - 1]!;
  if (!ASCII_WORD_CHAR.test(first) && !ASCII_WORD_CHAR.test(last)) return null;
  const head = ASCII_WORD_CHAR.test(first) ? '(?<![a-z0-9])' : '';
  const tail = ASCII_WORD_CHAR.test(last) ? '(?![a-z0-9])' : '';
  const lastWord = /[a-z]+$/.exec(text)?.[0] ?? '';
  const body = lastWord.length >= MIN_INFLECTED_LENGTH ? inflected(text, lastWord) : escape(text);
  return new RegExp(`${head}${body}${tail}`, 'g');
}

function inflected(text: string, word: string): string {
  const before = escape(text.slice(0, text.length - word.length));
  const forms = new Set([`${word}(?:s|es|ed|ing)?`]);
  if (word.endsWith('e')) forms.add(`${word.slice(0, -1)}(?:ing|ed)`);
  if (/[^aeiou]y$/.test(word)) forms.add(`${word.slice(0, -1)}(?:ies|ied)`);
  if (/[^aeiou][aeiou][bdgklmnprt]$/.test(word)) forms.add(`${word}${word.at(-1)}(?:ed|ing)`);
  return `${before}(?:${[...forms].join('|')})`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every occurrence of every cue in already-normalized text; overlapping matches are all returned. */
export function findCues<L extends string>(text: string, cues: CueSet<L>): CueMatch<L>[] {
  const matches: CueMatch<L>[] = [];
  for (const first of new Set(text)) for (const cue of cues.get(first) ?? []) {
    if (!text.includes(cue.probe)) continue;
    if (cue.pattern) {
      cue.pattern.lastIndex = 0;
      for (const m of text.matchAll(cue.pattern)) {
        matches.push({ label: cue.label, start: m.index, end: m.index + m[0].length, weight: cue.weight });
      }
      continue;
    }
    for (let at = text.indexOf(cue.text); at !== -1; at = text.indexOf(cue.text, at + cue.text.length)) {
      matches.push({ label: cue.label, start: at, end: at + cue.text.length, weight: cue.weight });
    }
  }
  return matches;
}

/**
 * Drops every match that lies inside a longer one: "안녕히" counts and its "안녕" does not. Sorted by
 * start, longest first, an earlier match with another span starts no later and is at least as long,
 * so "contained" reduces to "an earlier span reaches as far". Identical spans (one cue listed under
 * two labels) do not hide each other: that is a real tie.
 */
export function withoutContained<M extends { start: number; end: number }>(matches: M[]): M[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: M[] = [];
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
