/**
 * The reply-stream client's cost: the openai SDK's streaming path against createStreamChat (node:http,
 * keep-alive, its own `data:` parsing), both reading the same prompt from an instant simulator in its
 * own process. Reports this process's CPU ms per call (user + system, so a busy machine changes it
 * little) and call latency, closed loop with `INFLIGHT` calls in flight, alternating rounds.
 * Run: `npm run build && node dist/scripts/bench-llm-stream.js`. Results go to docs/performance.md.
 */
import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import { freePort } from '#libs/redis';
import { createStreamChat } from '../libs/llm/stream-chat';

const CALLS = 2000;
const INFLIGHT = 20;
const ROUNDS = 3;
const body = {
  model: 'gpt-4o-mini', max_tokens: 200, stream: true, stream_options: { include_usage: true },
  messages: [
    { role: 'system', content: 'You are a helpful assistant. Answer briefly and in the language of the user.' },
    { role: 'user', content: '안녕하세요! 처음 뵙겠습니다. BullMQ의 작업 순서 보장에 대해 설명해 주실 수 있나요?' },
  ],
} as const;

type Call = () => Promise<string>;

async function measure(call: Call): Promise<{ cpuMsPerCall: number; p50: number; p99: number }> {
  const lat: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: INFLIGHT }, async () => {
    while (next++ < CALLS) {
      const t0 = performance.now();
      const text = await call();
      lat.push(performance.now() - t0);
      if (!text) throw new Error('empty reply');
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { cpuMsPerCall: r((cpu.user + cpu.system) / 1000 / CALLS), p50: r(lat[Math.floor(lat.length * 0.5)]), p99: r(lat[Math.floor(lat.length * 0.99)]) };
}

async function main(): Promise<void> {
  const port = await freePort();
  const sim = spawn(process.execPath, [`${__dirname}/../services/llm-sim/main.js`], {
    env: { ...process.env, LLM_SIM_PORT: String(port), LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', LOG_LEVEL: 'warn' }, stdio: 'inherit',
  });
  const baseURL = `http://127.0.0.1:${port}/v1`;
  try {
    for (let i = 0; ; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok) break;
      if (i > 100) throw new Error('the simulator did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const sdk = new OpenAI({ apiKey: 'sim', baseURL, maxRetries: 0 });
    const ours = createStreamChat({ apiKey: 'sim', baseURL, timeoutMs: 30_000 });
    const clients: Record<string, Call> = {
      'openai SDK stream': async () => {
        let text = '';
        for await (const c of await sdk.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming)) text += c.choices[0]?.delta?.content ?? '';
        return text;
      },
      'createStreamChat (node:http)': async () => {
        let text = '';
        await ours(body, undefined, (c) => { text += c.choices?.[0]?.delta?.content ?? ''; });
        return text;
      },
    };
    for (const call of Object.values(clients)) await measure(call); // warm-up: JIT, sockets, the simulator's tokenizer
    const results: Record<string, Array<Awaited<ReturnType<typeof measure>>>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, call] of Object.entries(clients)) (results[name] ??= []).push(await measure(call));
    }
    console.log(`node ${process.version}, ${CALLS} calls per round, ${INFLIGHT} in flight, ${ROUNDS} rounds (median shown, all rounds in brackets)`);
    console.log('| client | CPU ms per call | p50 ms | p99 ms |\n|---|---|---|---|');
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const [name, rs] of Object.entries(results)) {
      const col = (k: 'cpuMsPerCall' | 'p50' | 'p99') => `${med(rs.map((x) => x[k]))} [${rs.map((x) => x[k]).join(', ')}]`;
      console.log(`| ${name} | ${col('cpuMsPerCall')} | ${col('p50')} | ${col('p99')} |`);
    }
  } finally {
    sim.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
