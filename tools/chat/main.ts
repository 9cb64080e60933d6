import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Turn } from '#libs/session';
import { createGatewayClient, GatewayError, type GatewayClient } from './gateway-client';
import { HELP, stateReport, summaryReport, turnReport } from './turn-report';

const USAGE = `usage: npm run chat -- [--url URL] [--key KEY] [--session ID] [--system PROMPT]
  --url      the gateway (default $TURNQ_URL or http://127.0.0.1:3000)
  --key      API key when the gateway has TURNQ_API_KEYS (default $TURNQ_API_KEY)
  --session  resume this session instead of starting a new one
  --system   system prompt of the new session`;

/** Colour only for a person at a terminal: piped output stays plain text for scripts and tests. */
const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const out = (line = '') => { process.stdout.write(`${line}\n`); };

/**
 * `npm run chat` / `turnq chat`: an interactive chat against a gateway. Reads lines from stdin (a
 * terminal or a pipe, one turn per line, in order), streams each reply from the turn's SSE events as
 * it arrives and ends it with the turn's stats line. Returns the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseArgs({ args: argv, options: { url: { type: 'string' }, key: { type: 'string' }, session: { type: 'string' }, system: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) { out(USAGE); return 0; }
  const api = createGatewayClient(opts.url ?? process.env.TURNQ_URL ?? 'http://127.0.0.1:3000', opts.key ?? process.env.TURNQ_API_KEY);

  let sessionId: string;
  try {
    const s = opts.session ? await api.getSession(opts.session) : await api.createSession(opts.system);
    sessionId = s.id;
    out(`turnq chat · ${api.baseUrl} · ${opts.session ? 'resumed' : 'new'} session ${s.id} (state ${s.state}, ${s.messageCount} messages) · /help for commands`);
  } catch (err) {
    console.error(`turnq chat: cannot ${opts.session ? 'resume the session' : 'start a session'} at ${api.baseUrl}: ${describe(err)}`);
    return 1;
  }

  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: terminal ? process.stdout : undefined, terminal, prompt: bold('you> ') });
  // in raw mode Ctrl+C is a key, not a signal: leave like a shell does, even in the middle of a reply
  rl.on('SIGINT', () => { out(); process.exit(130); });
  const prompt = () => { if (terminal) rl.prompt(); };
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    try {
      if (!line) { /* nothing to send */ } else if (line.startsWith('/')) {
        const [command, ...rest] = line.split(/\s+/);
        if (command === '/quit' || command === '/exit') break;
        const next = await runCommand(api, sessionId, command, rest.join(' '));
        if (next) sessionId = next;
      } else {
        await chatTurn(api, sessionId, raw);
      }
    } catch (err) {
      out(`error: ${describe(err)}`);
    }
    prompt();
  }
  rl.close();
  return 0;
}

/** Runs a slash command; returns the new session id when the command switched sessions. */
async function runCommand(api: GatewayClient, sessionId: string, command: string, arg: string): Promise<string | void> {
  switch (command) {
    case '/new': {
      const s = await api.createSession(arg || undefined);
      out(`new session ${s.id}`);
      return s.id;
    }
    case '/history': {
      const { messages } = await api.messages(sessionId);
      if (!messages.length) out('no messages yet');
      for (const m of messages) out(`${m.role === 'user' ? 'you' : 'turnq'}${m.summarized ? dim(' (summarized)') : ''}: ${m.content}`);
      return;
    }
    case '/state': stateReport(await api.getSession(sessionId)).forEach((l) => out(l)); return;
    case '/summary': summaryReport(await api.getSession(sessionId)).forEach((l) => out(l)); return;
    case '/help': HELP.forEach((l) => out(l)); return;
    default: out(`unknown command ${command}; /help lists them`);
  }
}

async function chatTurn(api: GatewayClient, sessionId: string, content: string): Promise<void> {
  const queued = await api.submit(sessionId, content);
  process.stdout.write(bold('turnq> '));
  let final: Turn | null = null;
  let streamed = '';
  for await (const e of api.follow(queued.turnId)) {
    if (e.event === 'delta') { streamed += e.data.text; process.stdout.write(e.data.text); }
    if (e.event === 'done') final = e.data as Turn;
  }
  if (!final) throw new Error(`the event stream of ${queued.turnId} ended without its final turn`);
  // a reply that failed mid-stream leaves partial text; say so instead of passing it off as the answer
  if (final.status !== 'completed') process.stdout.write(streamed ? ' [incomplete]' : `(no reply: turn ${final.status})`);
  out();
  out(dim(turnReport(final)));
}

function describe(err: unknown): string {
  if (err instanceof GatewayError) return err.status === 401 ? `${err.detail} (pass --key)` : err.message;
  const e = err as Error & { cause?: { code?: string } };
  return e.cause?.code ? `${e.message} (${e.cause.code})` : e.message;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
