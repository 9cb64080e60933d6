import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '#libs/config';
import { DEFAULT_KEYWORD_THRESHOLD, loadIntentTables, loadSentimentLexicon } from '#libs/intent';
import { createLlm } from '#libs/llm';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { evaluateKeywords } from './evaluate-keywords';
import { evaluateWithModel } from './evaluate-with-model';
import { formatKeywordEvaluation, formatModelEvaluation } from './format-evaluation';
import { readEvalSet, SPLITS, type Split } from './read-eval-set';

const USAGE = `npm run eval:intent -- [--split dev|test] [--dir eval/intent] [--threshold 0.6] [--misses] [--llm] [--concurrency 8]

Scores the keyword fast path and the sentiment lexicon on the labelled set (eval/intent/README.md).
With a model configured (OPENAI_API_KEY or OPENAI_BASE_URL set, or --llm for the simulator at
TURNQ_SIMULATOR_URL / LLM_SIM_PORT, started with npm run llm-sim) it also scores the whole classifier,
keywords then TURNQ_INTENT_MODEL, one call per line the keywords leave.
--misses lists the dev lines the fast path gets wrong (never the held-out test lines: tune on dev only).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      split: { type: 'string' }, dir: { type: 'string', default: 'eval/intent' },
      threshold: { type: 'string' }, misses: { type: 'boolean', default: false },
      llm: { type: 'boolean', default: false }, concurrency: { type: 'string', default: '8' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const splits = values.split === undefined ? SPLITS : SPLITS.filter((s) => s === values.split);
  if (splits.length === 0) throw new Error(`--split must be one of ${SPLITS.join(', ')}`);
  const threshold = values.threshold === undefined ? DEFAULT_KEYWORD_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new Error('--threshold must be a number from 0 to 1');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');

  const config = loadConfig(process.env);
  const tables = loadIntentTables(config.intent.keywordsPath);
  const lexicon = loadSentimentLexicon();
  const withModel = values.llm || !config.llm.simulator;
  const llm = withModel
    ? createLlm({
      apiKey: config.llm.apiKey, baseURL: config.llm.baseURL, timeoutMs: config.llm.timeoutMs,
      countPrompt: (model, messages) => chatPromptTokens(tokenCounter(model), messages),
      countText: (model, text) => tokenCounter(model).count(text),
    })
    : null;

  for (const split of splits) {
    const rows = readEvalSet(join(values.dir, `${split}.tsv`));
    const evaluation = evaluateKeywords(rows, tables, lexicon, threshold);
    console.log(`${formatKeywordEvaluation(split, evaluation)}\n`);
    if (values.misses && split === ('dev' satisfies Split)) {
      for (const m of evaluation.intent.misses) console.log(`intent  ${m.line.intent} -> ${m.predicted}\t${m.line.text}`);
      for (const m of evaluation.sentiment.misses) console.log(`feeling ${m.line.sentiment} -> ${m.predicted}\t${m.line.text}`);
    }
    if (llm) {
      const whole = await evaluateWithModel(rows, { llm, model: config.models.intent, tables, lexicon, threshold, concurrency });
      const model = `${config.models.intent}${config.llm.simulator ? ' (the turnq simulator, not a model)' : ''}`;
      console.log(`${formatModelEvaluation(split, model, whole)}\n`);
    }
  }
  if (!llm) console.log('No model configured (OPENAI_API_KEY / OPENAI_BASE_URL unset): the whole classifier was not scored; --llm uses the simulator.');
}

main().catch((err: Error) => {
  console.error(`eval:intent: ${err.message}`);
  process.exitCode = 1;
});
