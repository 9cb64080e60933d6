import type { TurnRecord } from './turn-record';

/**
 * The live progress of a run on stderr: turns done / errors / current rate (over the last 5 s). On a
 * terminal one line is rewritten in place; in a log (CI) a plain line every few seconds instead, so
 * the log stays readable.
 */
export function createProgressLine(opts: { total: number; clock: () => number; stream?: NodeJS.WriteStream; everyMs?: number }) {
  const out = opts.stream ?? process.stderr;
  const tty = Boolean(out.isTTY);
  const everyMs = opts.everyMs ?? (tty ? 250 : 5000);
  const started = opts.clock();
  const recent: number[] = [];
  let done = 0;
  let errors = 0;
  let timer: NodeJS.Timeout | null = null;

  function line(): string {
    const now = opts.clock();
    while (recent.length && recent[0] < now - 5000) recent.shift();
    const window = Math.min(5000, Math.max(1, now - started));
    const rate = (recent.length * 1000) / window;
    const pct = opts.total > 0 ? Math.min(100, Math.round((done / opts.total) * 100)) : 0;
    const width = 24;
    const bar = tty ? `[${'#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.')}] ` : '';
    return `${bar}${done}/${opts.total} turns · ${errors} errors · ${rate.toFixed(1)} turns/s · ${((now - started) / 1000).toFixed(0)} s`;
  }

  function render(): void {
    if (tty) out.write(`\r${line()}\x1b[K`);
    else out.write(`loadtest: ${line()}\n`);
  }

  return {
    start(): void {
      timer = setInterval(render, everyMs);
      timer.unref();
    },
    record(rec: TurnRecord): void {
      done++;
      if (rec.error) errors++;
      recent.push(opts.clock());
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
      render();
      if (tty) out.write('\n');
    },
  };
}
