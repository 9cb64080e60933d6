import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import pino from 'pino';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { createSimServer } from '../../services/llm-sim/create-sim-server';
import { DEFAULT_KNOBS, type SimKnobs } from '../../services/llm-sim/sim-config';
import { createLlm } from './create-llm';
import { LlmError } from './llm-error';
import type { Llm } from './types';

const MODEL = 'gpt-4o-mini';
const messages = [{ role: 'user' as const, content: 'Tell me about BullMQ flows, please, in detail. 한국어도 조금.' }];
const counts = {
  countPrompt: (model: string, m: typeof messages) => chatPromptTokens(tokenCounter(model), m),
  countText: (model: string, text: string) => tokenCounter(model).count(text),
};

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const close = async (server: http.Server) => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
};

/** The reply stream goes over node:http (stream-chat.ts); these hold it to what the SDK path gave. */
describe('createLlm against the simulator', () => {
  const sim = createSimServer({ knobs: DEFAULT_KNOBS, log: pino({ level: 'silent' }) });
  let base = '';
  let llm: Llm;
  const knobs = (patch: Partial<SimKnobs>) =>
    fetch(`${base}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as LlmError);

  beforeAll(async () => {
    base = await listen(sim);
    // a budget a busy 2-core box always meets: only the timeout case below uses a short one
    llm = createLlm({ apiKey: 'sim', baseURL: `${base}/v1`, timeoutMs: 30_000, ...counts });
  });
  afterAll(() => close(sim));
  beforeEach(async () => { await knobs({ ...DEFAULT_KNOBS, latencyMs: 0, tokensPerSecond: 0 }); });

  it('streams the same text, usage and model as the official SDK reads from the same server', async () => {
    const pieces: string[] = [];
    const ours = await llm.stream({ model: MODEL, operation: 'chat', messages, maxTokens: 200, onDelta: (t) => pieces.push(t) });
    const sdk = new OpenAI({ apiKey: 'sim', baseURL: `${base}/v1`, maxRetries: 0 });
    let sdkText = '';
    let sdkUsage: OpenAI.CompletionUsage | undefined;
    for await (const c of await sdk.chat.completions.create({ model: MODEL, messages, max_tokens: 200, stream: true, stream_options: { include_usage: true } })) {
      sdkText += c.choices[0]?.delta?.content ?? '';
      if (c.usage) sdkUsage = c.usage;
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(ours.text);
    expect(ours.text).toBe(sdkText);
    expect(ours.usage).toEqual({ promptTokens: sdkUsage!.prompt_tokens, completionTokens: sdkUsage!.completion_tokens, totalTokens: sdkUsage!.total_tokens });
    expect(ours.usageEstimated).toBe(false);
    expect(ours.model).toBe(MODEL);
    expect(ours.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('classifies failures as the SDK path does: 429 with its hint, 500, a late answer, a broken stream, an abort', async () => {
    const call = (signal?: AbortSignal) => llm.stream({ model: MODEL, operation: 'chat', messages, signal, onDelta: () => undefined });
    await knobs({ rateLimitRate: 1 });
    const limited = await failure(call());
    expect(limited).toMatchObject({ type: 'rate_limit', retryable: true, retryAfterMs: 200 });

    await knobs({ rateLimitRate: 0, failRate: 1 });
    expect(await failure(call())).toMatchObject({ type: 'server', retryable: true });

    // the model answers after 60 s, the client gives up after 300 ms: a timeout, not the answer
    await knobs({ failRate: 0, latencyMs: 60_000 });
    const impatient = createLlm({ apiKey: 'sim', baseURL: `${base}/v1`, timeoutMs: 300, ...counts });
    expect(await failure(impatient.stream({ model: MODEL, operation: 'chat', messages, onDelta: () => undefined }))).toMatchObject({ type: 'timeout', retryable: true });

    await knobs({ latencyMs: 0, breakRate: 1, tokensPerSecond: 400 });
    expect(await failure(call())).toMatchObject({ type: 'connection', retryable: true });

    await knobs({ breakRate: 0, tokensPerSecond: 20 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await failure(call(ac.signal))).toMatchObject({ type: 'aborted', retryable: false });
  });

  it('cannot reach a closed port: a retryable connection error', async () => {
    const closed = http.createServer();
    const url = await listen(closed);
    await close(closed);
    const gone = createLlm({ apiKey: 'k', baseURL: `${url}/v1`, timeoutMs: 500, ...counts });
    expect(await failure(gone.stream({ model: MODEL, operation: 'chat', messages, onDelta: () => undefined })))
      .toMatchObject({ type: 'connection', retryable: true });
  });
});

/** What no simulator knob produces: framing details, statuses the simulator never sends, a silent stream. */
describe('createLlm reply stream, framing and statuses', () => {
  let respond: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => undefined;
  let seen: { auth?: string; org?: string; project?: string; body?: Record<string, unknown> } = {};
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      seen = { auth: req.headers.authorization, org: req.headers['openai-organization'] as string | undefined, project: req.headers['openai-project'] as string | undefined, body: JSON.parse(raw) };
      respond(req, res);
    });
  });
  let llm: Llm;
  const stream = () => llm.stream({ model: MODEL, operation: 'chat', messages, onDelta: () => undefined });
  const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;

  beforeAll(async () => {
    // long enough that a busy box never mistakes its own pauses for a silent server
    llm = createLlm({ apiKey: 'sk-test', baseURL: `${await listen(server)}/v1/`, timeoutMs: 3000, ...counts });
  });
  afterAll(() => close(server));

  it('joins a character split across packets, reads data: without a space and CRLF lines, counts usage locally when none is sent', async () => {
    const bytes = Buffer.from(`data:${JSON.stringify({ model: 'm-1', choices: [{ delta: { content: '안녕하세요' } }] })}\r\n\r\n`);
    const cut = bytes.indexOf(Buffer.from('녕')) + 1; // inside the 3-byte character
    respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(bytes.subarray(0, cut));
      setTimeout(() => {
        res.write(bytes.subarray(cut));
        res.write(': keep-alive comment\n\n');
        res.end(chunk({ choices: [{ delta: {}, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n');
      }, 20);
    };
    const r = await stream();
    expect(r.text).toBe('안녕하세요');
    expect(r.model).toBe('m-1');
    expect(r.usageEstimated).toBe(true);
    expect(r.usage.completionTokens).toBe(tokenCounter(MODEL).count('안녕하세요'));
    expect(seen.auth).toBe('Bearer sk-test');
    expect(seen.org).toBeUndefined();
    expect(seen.body).toMatchObject({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages });
  });

  it('takes the caller\'s prompt count when none is sent, and never sends it to the provider', async () => {
    respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk({ choices: [{ delta: { content: 'hi' } }] }) + chunk({ choices: [{ delta: {}, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n');
    };
    const r = await llm.stream({ model: MODEL, operation: 'chat', messages, promptTokens: 4242, onDelta: () => undefined });
    expect(r.usage).toMatchObject({ promptTokens: 4242, completionTokens: tokenCounter(MODEL).count('hi') });
    expect(seen.body).not.toHaveProperty('promptTokens');
  });

  it('sends the organization and project the SDK takes from OPENAI_ORG_ID and OPENAI_PROJECT_ID', async () => {
    respond = (_req, res) => { res.writeHead(200).end(chunk({ choices: [{ delta: { content: 'ok' }, finish_reason: 'stop' }] })); };
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = 'org-123';
    process.env.OPENAI_PROJECT_ID = 'proj_456';
    try {
      const scoped = createLlm({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, timeoutMs: 3000, ...counts });
      await scoped.stream({ model: MODEL, operation: 'chat', messages, onDelta: () => undefined });
      expect(seen).toMatchObject({ org: 'org-123', project: 'proj_456' });
    } finally {
      for (const [k, v] of [['OPENAI_ORG_ID', saved.org], ['OPENAI_PROJECT_ID', saved.project]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('maps 401, 403, 400 and 408 like the SDK path, and reads retry-after in seconds', async () => {
    const cases: Array<[number, string]> = [[401, 'auth'], [403, 'auth'], [400, 'bad_request'], [408, 'server'], [503, 'server']];
    for (const [status, type] of cases) {
      respond = (_req, res) => { res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":{"message":"nope"}}'); };
      await expect(stream()).rejects.toMatchObject({ type });
    }
    respond = (_req, res) => { res.writeHead(429, { 'retry-after': '3' }).end(); };
    await expect(stream()).rejects.toMatchObject({ type: 'rate_limit', retryAfterMs: 3000 });
  });

  it('tells a dead quota from a rate limit: 429 insufficient_quota is llm quota and not retryable, on the stream and the SDK path', async () => {
    const quotaBody = JSON.stringify({ error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } });
    respond = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end(quotaBody); };
    await expect(stream()).rejects.toMatchObject({ type: 'quota', retryable: false, message: expect.stringContaining('exceeded your current quota') });
    await expect(llm.complete({ model: MODEL, operation: 'classify', messages })).rejects.toMatchObject({ type: 'quota', retryable: false });
    // a plain rate limit stays a pause, on both paths
    respond = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '6m0s' })
        .end('{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}');
    };
    await expect(stream()).rejects.toMatchObject({ type: 'rate_limit', retryable: true, retryAfterMs: 360_000 });
    await expect(llm.complete({ model: MODEL, operation: 'classify', messages })).rejects.toMatchObject({ type: 'rate_limit', retryAfterMs: 360_000 });
  });

  it('fails a stream that goes silent, one that reports an error mid-way, and one that ends without a finish', async () => {
    respond = (_req, res) => { res.writeHead(200).write(chunk({ choices: [{ delta: { content: 'a' } }] })); }; // then nothing
    await expect(stream()).rejects.toMatchObject({ type: 'timeout', message: 'the model stopped sending its reply' });
    respond = (_req, res) => { res.writeHead(200).end(chunk({ choices: [{ delta: { content: 'a' } }] }) + chunk({ error: { message: 'overloaded' } })); };
    await expect(stream()).rejects.toMatchObject({ type: 'server', message: expect.stringContaining('overloaded') });
    respond = (_req, res) => { res.writeHead(200).end(chunk({ choices: [{ delta: { content: 'half' } }] })); };
    await expect(stream()).rejects.toMatchObject({ type: 'connection', message: 'the model stream ended before the reply was finished' });
  });
});
