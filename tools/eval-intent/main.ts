import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_KEYWORD_THRESHOLD, loadIntentTables, loadSentimentLexicon } from '#libs/intent';
import { evaluateKeywords } from './evaluate-keywords';
import { formatKeywordEvaluation } from './format-evaluation';
import { readEvalSet, SPLITS, type Split } from './read-eval-set';

const USAGE = `npm run eval:intent -- [--split dev|test] [--dir eval/intent] [--threshold 0.6] [--misses]

Scores the keyword fast path and the sentiment lexicon on the labelled set (eval/intent/README.md).
--misses lists the dev lines the fast path gets wrong (never the held-out test lines: tune on dev only).`;

function main(): void {
  const { values } = parseArgs({
    options: {
      split: { type: 'string' }, dir: { type: 'string', default: 'eval/intent' },
      threshold: { type: 'string' }, misses: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const splits = values.split === undefined ? SPLITS : SPLITS.filter((s) => s === values.split);
  if (splits.length === 0) throw new Error(`--split must be one of ${SPLITS.join(', ')}`);
  const threshold = values.threshold === undefined ? DEFAULT_KEYWORD_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new Error('--threshold must be a number from 0 to 1');
  const tables = loadIntentTables(process.env.TURNQ_INTENT_KEYWORDS);
  const lexicon = loadSentimentLexicon();
  for (const split of splits) {
    const rows = readEvalSet(join(values.dir, `${split}.tsv`));
    const evaluation = evaluateKeywords(rows, tables, lexicon, threshold);
    console.log(`${formatKeywordEvaluation(split, evaluation)}\n`);
    if (values.misses && split === ('dev' satisfies Split)) {
      for (const m of evaluation.intent.misses) console.log(`intent  ${m.line.intent} -> ${m.predicted}\t${m.line.text}`);
      for (const m of evaluation.sentiment.misses) console.log(`feeling ${m.line.sentiment} -> ${m.predicted}\t${m.line.text}`);
    }
  }
}

main();
