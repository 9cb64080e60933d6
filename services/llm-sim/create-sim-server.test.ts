import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import pino from 'pino';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { createSimServer } from './create-sim-server';
import { DEFAULT_KNOBS, type SimKnobs } from './sim-config';

type Msg = { role: 'system' | 'user' | 'assistant'; content: string; name?: string };

const server = createSimServer({ knobs: DEFAULT_KNOBS, log: pino({ level: 'silent' }) });
let base = '';
let client: OpenAI;

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

beforeEach(async () => {
  await setKnobs({ ...DEFAULT_KNOBS, latencyMs: 0, tokensPerSecond: 0 });
  await fetch(`${base}/_sim/requests`, { method: 'DELETE' });
});

const CONVERSATIONS: Record<string, Msg[]> = {
  korean: [
    { role: 'system', content: '당신은 친절한 상담원입니다. 짧게 답하세요.' },
    { role: 'user', content: '안녕하세요, 주문한 상품이 아직 안 왔어요.' },
    { role: 'assistant', content: '불편을 드려 죄송합니다. 주문 번호를 알려주시겠어요?' },
    { role: 'user', content: '12345번이에요 🙏' },
  ],
  english: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Explain exactly-once delivery in one paragraph, with a code sample.', name: 'alice' },
  ],
  mixed: [{ role: 'user', content: '배포 로그: `Error: ECONNREFUSED 127.0.0.1:6379` — Redis가 꺼져 있나요?' }],
};

describe('POST /v1/chat/completions', () => {
  it.each(Object.entries(CONVERSATIONS).flatMap(([name, msgs]) => [['gpt-4o-mini', name, msgs], ['gpt-3.5-turbo', name, msgs]] as const))(
    'reports prompt_tokens exactly as chatPromptTokens for %s on the %s conversation',
    async (model, _name, messages) => {
      const res = await client.chat.completions.create({ model, messages: [...messages] });
      const counter = tokenCounter(model);
      expect(res.usage?.prompt_tokens).toBe(chatPromptTokens(counter, messages));
      expect(res.usage?.completion_tokens).toBe(counter.count(res.choices[0].message.content ?? ''));
      expect(res.choices[0].finish_reason).toBe('stop');
      expect(res.choices[0].message.content).toMatch(/turnq LLM (simulator|시뮬레이터)/);
    },
  );

  it('streams the same text in several deltas and ends with a usage chunk when asked', async () => {
    const messages = CONVERSATIONS.korean;
    const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices.length === 0) usage = chunk.usage;
      for (const c of chunk.choices) {
        if (c.delta.content) deltas.push(c.delta.content);
        finish = c.finish_reason ?? finish;
      }
    }
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(whole.choices[0].message.content);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: whole.usage?.prompt_tokens, completion_tokens: whole.usage?.completion_tokens });
  });

  it('sends no usage chunk unless include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: CONVERSATIONS.english, stream: true });
    for await (const chunk of stream) {
      expect(chunk.choices).toHaveLength(1);
      expect(chunk.usage ?? null).toBeNull();
    }
  });

  it('truncates at max_tokens (and max_completion_tokens) with finish_reason length', async () => {
    const messages = CONVERSATIONS.mixed;
    const whole = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const cut = await client.chat.completions.create({ model: 'gpt-4o', messages, max_tokens: 7 });
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBeLessThanOrEqual(7);
    expect(whole.choices[0].message.content?.startsWith(cut.choices[0].message.content ?? '∅')).toBe(true);

    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, max_completion_tokens: 5, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let completionTokens = -1;
    for await (const chunk of stream) {
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
    }
    expect(finish).toBe('length');
    expect(completionTokens).toBe(tokenCounter('gpt-4o').count(text));
    expect(completionTokens).toBeLessThanOrEqual(5);
  });

  it('classifies in JSON mode with one of the labels the prompt names', async () => {
    const labels = ['greeting', 'information_seeking', 'task_execution', 'problem_solving', 'casual_chat', 'ending', 'unknown'];
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: `Classify the user's intent as JSON {"label","confidence"}. Labels: ${labels.join(', ')}.` },
        { role: 'user', content: '감사합니다. 안녕히 계세요.' },
      ],
    });
    const answer = JSON.parse(res.choices[0].message.content ?? '');
    expect(answer).toEqual({ label: 'ending', confidence: 0.9 });
  });

  it.each([
    [{ model: 'gpt-4o-mini' }, "Missing required parameter: 'messages'."],
    [{ model: 'gpt-4o-mini', messages: [] }, "Invalid 'messages'"],
    [{ model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] }, "Invalid 'messages[0].role'"],
    [{ model: 'gpt-4o-mini', messages: 'hello' }, "Invalid 'messages'"],
  ])('answers 400 in OpenAI error shape to %p', async (body, message) => {
    const res = await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { message: string; type: string } };
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message).toContain(message);
  });

  it('surfaces a 400 as the SDK BadRequestError', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await fetch(`${base}/v1/chat/completions`, { method: 'POST', body: '{"model":' });
    expect(res.status).toBe(400);
  });
});
