import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

const MAIN = join(__dirname, '..', '..', 'dist', 'tools', 'chat', 'main.js');
const STATS = /^\[turn (\d+) \| intent (\w+) \((keyword|llm|fallback) [\d.]+\) \| sentiment (?:negative|neutral|positive) [\d.]+ \((?:keyword|llm|fallback)[^)]*\) \| state .+ \| tokens \d+ prompt \+ \d+ reply = \d+ \| context \d+% kept .+ \| [\d.]+ s .+\]$/m;

/** The chat as a child with piped stdin; `chunks` keeps every stdout read with its arrival time. */
function startChat(args: string[]) {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const chunks: Array<{ at: number; text: string }> = [];
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => chunks.push({ at: Date.now(), text }));
  child.stderr.setEncoding('utf8').on('data', (t: string) => { stderr += t; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const stdout = () => chunks.map((c) => c.text).join('');
  return {
    child, chunks, stdout, stderr: () => stderr, exited,
    send: (line: string) => { child.stdin.write(`${line}\n`); },
    async waitFor(re: RegExp, ms = 30_000) {
      const end = Date.now() + ms;
      while (!re.test(stdout())) {
        if (Date.now() > end) throw new Error(`no ${re} in chat output:\n${stdout()}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe('terminal chat (npm run chat)', () => {
  let stack: Stack;
  const sim = (knobs: Record<string, number>) => fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '2000', TURNQ_API_KEYS: 'chat-key=t1' } });
  }, 90_000);
  afterAll(async () => { await stack?.stop(); });
  afterEach(async () => { await sim({ tokensPerSecond: 2000 }); });

  it('streams the reply as it arrives, then prints one stats line per turn', async () => {
    await sim({ tokensPerSecond: 80 });
    const chat = startChat(['--url', stack.baseUrl, '--key', 'chat-key']);
    await chat.waitFor(/new session ses_\w+/);
    const sentAt = Date.now();
    chat.send('안녕하세요! 처음 뵙겠습니다.');
    await chat.waitFor(STATS);
    const replyReads = chat.chunks.filter((c) => c.at > sentAt && !STATS.test(c.text) && c.text.trim());
    expect(replyReads.length).toBeGreaterThan(2); // pieces arrived over time, not the reply in one go
    expect(chat.stdout()).toContain('보내신 메시지: "안녕하세요! 처음 뵙겠습니다."'); // the simulator quotes the turn back
    expect(STATS.exec(chat.stdout())!.slice(1, 4)).toEqual(['1', 'greeting', 'keyword']);
    chat.send('/quit');
    expect(await chat.exited).toBe(0);
  });

  it('runs a whole piped script in order: turns, /state, /history, /summary, /new, then exits at EOF', async () => {
    const chat = startChat(['--url', stack.baseUrl, '--key', 'chat-key']);
    chat.child.stdin.end(['hello there', '어떻게 작동하는지 설명해줘', '/state', '/history', '/summary', '/bogus', '/new', '/state', ''].join('\n'));
    expect(await chat.exited).toBe(0);
    const out = chat.stdout();
    const first = /new session (ses_\w+)/.exec(out)![1];
    expect([...out.matchAll(/^\[turn (\d+) \| intent (\w+)/gm)].map((m) => [m[1], m[2]])).toEqual([['1', 'greeting'], ['2', 'information_seeking']]);
    expect(out).toContain('state greeting → information_seeking');
    expect(out).toMatch(new RegExp(`session ${first}: state information_seeking, 4 messages`));
    expect(out).toMatch(/^you: hello there$/m);
    expect(out).toMatch(/^you: 어떻게 작동하는지 설명해줘$/m);
    expect(out).toContain('no summary yet');
    expect(out).toContain('unknown command /bogus');
    const second = /new session (ses_\w+)\n(?!.*turnq chat)/.exec(out.slice(out.indexOf('unknown command')))![1];
    expect(second).not.toBe(first);
    expect(out).toMatch(new RegExp(`session ${second}: state greeting, 0 messages`));
    const history = await client(stack.baseUrl, 'chat-key').messages(first);
    expect(history.map((m) => m.content).filter((_c, i) => i % 2 === 0)).toEqual(['hello there', '어떻게 작동하는지 설명해줘']);
  });

  it('resumes a session with --session and shows its history', async () => {
    const api = client(stack.baseUrl, 'chat-key');
    const s = await api.session();
    await api.submit(s.id, 'remember this line', '?wait=30');
    const chat = startChat(['--url', stack.baseUrl, '--key', 'chat-key', '--session', s.id]);
    chat.child.stdin.end('/history\n/quit\n');
    expect(await chat.exited).toBe(0);
    expect(chat.stdout()).toMatch(new RegExp(`resumed session ${s.id} \\(state \\w+, 2 messages\\)`));
    expect(chat.stdout()).toMatch(/^you: remember this line$/m);
  });

  it('exits 1 with a message naming --key when the gateway refuses the key', async () => {
    const chat = startChat(['--url', stack.baseUrl, '--key', 'wrong']);
    chat.child.stdin.end();
    expect(await chat.exited).toBe(1);
    expect(chat.stderr()).toMatch(/cannot start a session at .*: authorization: the key is not valid \(pass --key\)/);
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const chat = startChat(['--nope']);
    chat.child.stdin.end();
    expect(await chat.exited).toBe(2);
    expect(chat.stderr()).toContain('usage: npm run chat');
  });
});
