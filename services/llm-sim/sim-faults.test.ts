import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import pino from 'pino';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { createSimServer } from './create-sim-server';
import type { LoggedRequest } from './request-log';
import { DEFAULT_KNOBS, type SimKnobs } from './sim-config';

const server = createSimServer({ knobs: DEFAULT_KNOBS, log: pino({ level: 'silent' }) });
let base = '';
let client: OpenAI;
const messages = [{ role: 'user' as const, content: 'Tell me about BullMQ flows, please, in detail.' }];

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sim', maxRetries: 0 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function setKnobs(patch: Partial<SimKnobs> | Record<string, unknown>): Promise<Response> {
  return fetch(`${base}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
}

async function loggedRequests(limit?: number): Promise<LoggedRequest[]> {
  const res = await fetch(`${base}/_sim/requests${limit ? `?limit=${limit}` : ''}`);
  return ((await res.json()) as { requests: LoggedRequest[] }).requests;
}

beforeEach(async () => {
  await setKnobs({ ...DEFAULT_KNOBS, latencyMs: 0, tokensPerSecond: 0 });
  await fetch(`${base}/_sim/requests`, { method: 'DELETE' });
});

describe('fault injection', () => {
  it('answers 429 with small retry-after headers at 429 rate 1: the SDK raises RateLimitError', async () => {
    await setKnobs({ rateLimitRate: 1 });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (err as InstanceType<typeof OpenAI.RateLimitError>).headers;
    expect(headers.get('retry-after-ms')).toBe('200');
    expect(headers.get('retry-after')).toBe('1');
    expect((await loggedRequests())[0].outcome).toBe('rate_limited');
  });

  it('answers 500 at fail rate 1: the SDK raises InternalServerError', async () => {
    await setKnobs({ failRate: 1 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('answers embeddings 429 and 500 by the same knobs as chat', async () => {
    await setKnobs({ rateLimitRate: 1 });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await setKnobs({ rateLimitRate: 0, failRate: 1 });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await loggedRequests()).map((r) => [r.kind, r.outcome])).toEqual([['embed', 'rate_limited'], ['embed', 'failed']]);
    // a bad request stays a 400, whatever the fault knobs say
    const bad = await fetch(`${base}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input: 3 }) });
    expect(bad.status).toBe(400);
  });

  it('applies the fault knobs only to the request kinds in faultKinds', async () => {
    await setKnobs({ failRate: 1, breakRate: 1, faultKinds: ['embed'] });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await client.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices[0].message.content).toBeTruthy();
    await setKnobs({ faultKinds: ['chat'] });
    expect((await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })).data).toHaveLength(1);
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect((await loggedRequests()).map((r) => [r.kind, r.outcome])).toEqual([['embed', 'failed'], ['chat', 'completed'], ['embed', 'completed'], ['chat', 'failed']]);
  });

  it('drops a stream after some but not all deltas at break rate 1', async () => {
    const whole = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices[0].message.content ?? '';
    await setKnobs({ breakRate: 1 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const deltas: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toThrow();
    expect(deltas.join('').length).toBeGreaterThan(0);
    expect(deltas.join('').length).toBeLessThan(whole.length);
    expect(whole.startsWith(deltas.join(''))).toBe(true);
    expect((await loggedRequests(1))[0].outcome).toBe('broken');
  });

  it('drops a non-streaming request without an answer at break rate 1', async () => {
    await setKnobs({ breakRate: 1 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('notices a client that goes away mid-stream and stops writing', async () => {
    await setKnobs({ tokensPerSecond: 50 });
    const abort = new AbortController();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }, { signal: abort.signal });
    const consume = async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) abort.abort();
    };
    // The SDK ends an aborted stream quietly or with an abort error, depending on timing.
    await consume().catch((e: unknown) => expect(e).toBeInstanceOf(OpenAI.APIUserAbortError));
    const deadline = Date.now() + 5000;
    while ((await loggedRequests())[0].outcome === 'pending' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await loggedRequests())[0].outcome).toBe('aborted');
  });
});

describe('pacing and runtime config', () => {
  it('waits latencyMs before answering and reports the knobs it runs with', async () => {
    expect(await (await setKnobs({ latencyMs: 150 })).json()).toMatchObject({ latencyMs: 150, tokensPerSecond: 0 });
    expect(await (await fetch(`${base}/_sim/config`)).json()).toMatchObject({ latencyMs: 150 });
    const t0 = Date.now();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('streams no faster than tokensPerSecond', async () => {
    await setKnobs({ tokensPerSecond: 2000 });
    const t0 = Date.now();
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    let tokens = 0;
    for await (const chunk of res) tokens = chunk.usage?.completion_tokens ?? tokens;
    expect(Date.now() - t0).toBeGreaterThanOrEqual((tokens / 2000) * 1000 * 0.8);
  });

  it('refuses an invalid knob with 400 and keeps the old value', async () => {
    const res = await setKnobs({ failRate: 3 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('failRate');
    expect(await (await fetch(`${base}/_sim/config`)).json()).toMatchObject({ failRate: 0 });
  });

  it('keeps the most recent requests with their prompt tokens until cleared', async () => {
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `turn ${i}` }], max_tokens: 20 });
    const last2 = await loggedRequests(2);
    expect(last2.map((r) => r.messages[0].content)).toEqual(['turn 1', 'turn 2']);
    expect(last2[0]).toMatchObject({ model: 'gpt-4o-mini', maxTokens: 20, stream: false, kind: 'chat', outcome: 'completed', promptTokens: chatPromptTokens(tokenCounter('gpt-4o-mini'), [{ role: 'user', content: 'turn 1' }]) });
    expect((await fetch(`${base}/_sim/requests?limit=zero`)).status).toBe(400);
    expect((await fetch(`${base}/_sim/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(await loggedRequests()).toEqual([]);
  });
});

describe('other routes', () => {
  it('lists models and accepts any model name', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
    expect((await client.models.retrieve('llama3.1:8b')).id).toBe('llama3.1:8b');
    const res = await client.chat.completions.create({ model: 'qwen2.5:7b-instruct', messages });
    expect(res.model).toBe('qwen2.5:7b-instruct');
  });

  it('answers /healthz and 404s unknown routes in OpenAI error shape', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const res = await fetch(`${base}/v1/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/completions)', type: 'invalid_request_error', param: null, code: null } });
  });
});
