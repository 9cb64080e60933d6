import type { Classification, ConversationState } from './intent-labels';
import type { IntentTables } from './load-intent-tables';
import { compileCues, findCues, lineForCues, normalizeText, withoutContained, type CueMatch, type CueSet } from './match-cues';

/** Below this the keyword path abstains and the caller asks the LLM; chosen on eval/intent/dev.tsv (docs/intent.md). */
export const DEFAULT_KEYWORD_THRESHOLD = 0.6;

interface CompiledTables {
  strong: CueSet<ConversationState>;
  weak: CueSet<ConversationState>;
  negators: Set<string>;
}

// Tables are loaded once per process and never changed afterwards, so their cues are prepared once.
const compiled = new WeakMap<IntentTables, CompiledTables>();

/**
 * Per-label evidence. A match inside a longer match does not count ("안녕히" counts for ending, its
 * "안녕" not for greeting); neither does a cue right after a negator ("안 고마워", "not thanks"),
 * unless it is a complaint: "no refund yet" is still about a refund.
 * Weak cues ("?", "왜", "how") say that the line is a question, not what it is about: they count only
 * for labels that strong cues already point to, or alone when no strong cue matched at all — so
 * "앱이 왜 자꾸 꺼져요?" is a problem, while "쿠버네티스가 뭐야?" still asks for information.
 */
export function keywordScores(text: string, tables: IntentTables): Map<ConversationState, number> {
  const { strong, weak, negators } = compiledOf(tables);
  const line = lineForCues(text);
  const all = withoutContained([
    ...findCues(line, strong).map((m) => ({ ...m, weak: false })),
    ...findCues(line, weak).map((m) => ({ ...m, weak: true })),
  ]).filter((m) => m.label === 'problem_solving' || !negated(line, m, negators));
  const strongLabels = new Set(all.filter((m) => !m.weak).map((m) => m.label));
  const scores = new Map<ConversationState, number>();
  for (const match of all) {
    if (match.weak && strongLabels.size > 0 && !strongLabels.has(match.label)) continue;
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

// The word just before a match: "안 고마워요" is not thanks.
function negated(line: string, match: CueMatch<ConversationState>, negators: Set<string>): boolean {
  if (match.start === 0 || line[match.start - 1] !== ' ') return false;
  const before = line.slice(0, match.start - 1);
  return negators.has(before.slice(before.lastIndexOf(' ') + 1));
}

function compiledOf(tables: IntentTables): CompiledTables {
  const cached = compiled.get(tables);
  if (cached) return cached;
  const labels = Object.entries(tables.labels) as [ConversationState, IntentTables['labels'][ConversationState]][];
  // A cue listed under `weak` is weak even when `keywords` lists it too (the origin table's "왜" is both).
  const strongOf = (t: IntentTables['labels'][ConversationState]) =>
    [...new Set([...t.keywords, ...t.phrases])].filter((cue) => !t.weak.includes(cue));
  const result: CompiledTables = {
    strong: compileCues(labels.flatMap(([label, t]) => strongOf(t).map((text) => ({ label, text })))),
    weak: compileCues(labels.flatMap(([label, t]) => t.weak.map((text) => ({ label, text })))),
    negators: new Set(tables.negators.map(normalizeText)),
  };
  compiled.set(tables, result);
  return result;
}
