#!/usr/bin/env node
/**
 * `turnq <command>`: the operator tools. Each command is a module exporting
 * `main(argv: string[]): Promise<number>` (the exit code), loaded only when asked for.
 */
const COMMANDS: Record<string, { module: string; about: string }> = {
  chat: { module: './chat/main.js', about: 'interactive chat against a gateway: streamed replies and per-turn stats' },
  loadtest: { module: './loadtest/main.js', about: 'simulated users against a running gateway: summary, order check, report with charts' },
  bench: { module: './bench/main.js', about: 'baseline vs raw BullMQ vs turnq on this machine: table, targets, bench.json' },
};

async function run(): Promise<void> {
  const [command, ...argv] = process.argv.slice(2);
  const entry = command ? COMMANDS[command] : undefined;
  if (!entry) {
    console.log('usage: turnq <command> [options]\n\ncommands:');
    for (const [name, c] of Object.entries(COMMANDS)) console.log(`  ${name.padEnd(10)} ${c.about}`);
    process.exit(command && command !== 'help' && command !== '--help' ? 2 : 0);
  }
  const mod = (await import(entry.module)) as { main(argv: string[]): Promise<number> };
  process.exit(await mod.main(argv));
}

void run();
