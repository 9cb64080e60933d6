import { resolve } from 'node:path';
import { checkOrder } from './check-order';
import { formatSummary } from './format-summary';
import { LOADTEST_USAGE, parseLoadtestOptions, type LoadtestOptions } from './loadtest-options';
import { createProgressLine } from './progress-line';
import { runLoad } from './run-load';
import { shownPath } from './shown-path';
import { summarizeRun } from './summarize-run';
import { createTurnqClient } from './turnq-client';
import { writeReport } from './write-report';

/** `turnq loadtest`: simulated users against a running gateway, a summary, an order check and a report directory. */
export async function main(argv: string[]): Promise<number> {
  let opts: LoadtestOptions | 'help';
  try {
    opts = parseLoadtestOptions(argv, process.env);
  } catch (err) {
    console.error(`loadtest: ${(err as Error).message}\n\n${LOADTEST_USAGE}`);
    return 2;
  }
  if (opts === 'help') { console.log(LOADTEST_USAGE); return 0; }

  const epoch = performance.now();
  const clock = () => performance.now() - epoch;
  const client = createTurnqClient({ url: opts.url, key: opts.key, turnTimeoutMs: opts.turnTimeoutMs, clock });
  const ready = await client.getTurn('trn_probe').catch((err: Error) => err);
  if (ready instanceof Error) {
    console.error(`loadtest: no gateway answers at ${opts.url} (${ready.message})`);
    return 1;
  }
  if (ready.status === 401) {
    console.error(`loadtest: ${opts.url} wants an API key: pass --key or set TURNQ_API_KEY`);
    return 1;
  }

  const startedAt = new Date().toISOString();
  const mode = opts.rate > 0 ? `open loop at ${opts.rate} turns/s` : `closed loop, think ${opts.thinkMs} ms`;
  console.error(`loadtest: ${opts.users} users × ${opts.turns} turns against ${opts.url} (${mode}, follow ${opts.follow})`);
  const progress = createProgressLine({ total: opts.users * opts.turns, clock });
  progress.start();
  const run = await runLoad(opts, client, { clock, onTurn: (rec) => progress.record(rec) });
  progress.stop();

  console.error('loadtest: checking order and stored history…');
  const order = await checkOrder(client, run.sessions.map((s) => s.sessionId), run.turns);
  client.close();
  const summary = summarizeRun(run.turns, run.sessionErrors, opts.users, run.sessions.length, order);
  const out = resolve(opts.out);
  const { chartErrors } = await writeReport(out, { url: opts.url, startedAt, options: { ...opts, out: shownPath(out, process.cwd()), key: opts.key ? '(set)' : undefined }, node: process.version }, summary, run.turns);

  console.log(formatSummary(summary, `turnq loadtest · ${opts.users} users × ${opts.turns} turns · ${mode} · follow ${opts.follow}`));
  for (const e of chartErrors) console.error(`loadtest: chart not rendered: ${e}`);
  console.log(`report: ${out}/index.html`);
  return order.violations > 0 || summary.turns.completed === 0 ? 1 : 0;
}
