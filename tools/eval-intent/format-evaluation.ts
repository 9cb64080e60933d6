import { INTENT_LABELS, SENTIMENT_LABELS } from '#libs/intent';
import type { Confusion, LabelScore } from './confusion';
import { ABSTAIN, type KeywordEvaluation } from './evaluate-keywords';
import type { ModelEvaluation } from './evaluate-with-model';

const SHORT: Record<string, string> = {
  greeting: 'greet', information_seeking: 'info', task_execution: 'task', problem_solving: 'problem',
  casual_chat: 'casual', ending: 'ending', unknown: 'unknown', abstain: '(llm)',
  negative: 'neg', neutral: 'neu', positive: 'pos',
};

export function pct(value: number | null): string {
  return value === null ? '   -  ' : `${(value * 100).toFixed(1).padStart(5)}%`;
}

function scoreTable(scores: LabelScore[]): string[] {
  return [
    `  ${'label'.padEnd(20)} ${'n'.padStart(4)}  precision  recall`,
    ...scores.map((s) => `  ${s.label.padEnd(20)} ${String(s.support).padStart(4)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall)}`),
  ];
}

function matrix(confusion: Confusion, gold: readonly string[], predicted: readonly string[]): string[] {
  const cell = (s: string) => s.padStart(8);
  return [
    `  ${'gold \\ predicted'.padEnd(16)}${predicted.map((p) => cell(SHORT[p] ?? p)).join('')}`,
    ...gold.map((g) => `  ${(SHORT[g] ?? g).padEnd(16)}${predicted.map((p) => cell(String(confusion.count(g, p) || '.'))).join('')}`),
  ];
}

/** The fast path's report for one split, as `npm run eval:intent` prints it. */
export function formatKeywordEvaluation(split: string, e: KeywordEvaluation): string {
  return [
    `== ${split}: ${e.lines} lines — keyword fast path`,
    `keyword coverage ${pct(e.coverage)}   keyword precision ${pct(e.keywordPrecision)}`,
    'intent (recall counts a line the keywords leave to the LLM as missed):',
    ...scoreTable(e.intent.scores),
    'intent confusion (rows: gold; columns: keyword answer, (llm) = left to the model):',
    ...matrix(e.intent.confusion, INTENT_LABELS, [...INTENT_LABELS.filter((l) => l !== 'unknown'), ABSTAIN]),
    'sentiment (lexicon):',
    ...scoreTable(e.sentiment.scores),
    ...matrix(e.sentiment.confusion, SENTIMENT_LABELS, SENTIMENT_LABELS),
  ].join('\n');
}

/** The whole classifier's report (keywords, then the model) for one split. */
export function formatModelEvaluation(split: string, model: string, e: ModelEvaluation): string {
  return [
    `== ${split}: ${e.lines} lines — whole classifier, keywords then ${model}`,
    `accuracy ${pct(e.accuracy)}   model calls ${e.modelCalls} (right ${pct(e.modelAccuracy)})   fallbacks ${e.fallbacks}`,
    'intent:',
    ...scoreTable(e.intent.scores),
    ...matrix(e.intent.confusion, INTENT_LABELS, INTENT_LABELS),
    'sentiment (lexicon where the keywords decide, the model where it was asked):',
    ...scoreTable(e.sentiment.scores),
    ...matrix(e.sentiment.confusion, SENTIMENT_LABELS, SENTIMENT_LABELS),
  ].join('\n');
}
