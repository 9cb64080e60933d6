import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createLlm, type Llm } from '#libs/llm';
import { dot, extractionMessages, parseExtraction } from '#libs/memory';
import { chatPromptTokens, tokenCounter } from '#libs/tokens';
import { createSimServer } from './create-sim-server';
import { DEFAULT_KNOBS } from './sim-config';

/** The simulator's embeddings and memory extraction, through turnq's own client over the real openai SDK. */
const server = createSimServer({ knobs: { ...DEFAULT_KNOBS, latencyMs: 0, tokensPerSecond: 0 }, log: pino({ level: 'silent' }) });
let llm: Llm;
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  llm = createLlm({
    apiKey: 'sim', baseURL: `${base}/v1`, timeoutMs: 60_000,
    countPrompt: (model, messages) => chatPromptTokens(tokenCounter(model), messages), countText: (model, text) => tokenCounter(model).count(text),
  });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function extract(message: string, existing: Array<{ id: string; kind: 'profile' | 'preference' | 'fact'; text: string }> = []) {
  const r = await llm.complete({ model: 'gpt-4o-mini', operation: 'extract', messages: extractionMessages(message, existing), json: true, temperature: 0 });
  return parseExtraction(r.text);
}

describe('simulator embeddings', () => {
  it('are deterministic unit vectors of 1536 dims in which texts sharing words are close', async () => {
    const texts = ['저는 채식주의자라 고기를 안 먹어요', '사용자는 채식주의자라 고기를 먹지 않습니다.', '내일 서울 날씨 어때요?', 'I am a vegetarian', 'The user is vegetarian'];
    const { vectors } = await llm.embed({ model: 'text-embedding-3-small', input: texts });
    const again = await llm.embed({ model: 'text-embedding-3-small', input: [texts[0]] });
    expect(vectors).toHaveLength(5);
    expect(vectors[0].length).toBe(1536);
    expect(Array.from(again.vectors[0])).toEqual(Array.from(vectors[0]));
    expect(dot(vectors[0], vectors[0])).toBeCloseTo(1, 5);
    expect(dot(vectors[0], vectors[1])).toBeGreaterThan(dot(vectors[0], vectors[2]) + 0.2);
    expect(dot(vectors[3], vectors[4])).toBeGreaterThan(dot(vectors[3], vectors[2]) + 0.2);
  });

  it('say they come from the simulator, and log as embed requests', async () => {
    const res = await fetch(`${base}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'text-embedding-3-large', input: 'hi there', encoding_format: 'float' }) });
    const body = await res.json() as { data: Array<{ embedding: number[] }> };
    expect(res.headers.get('x-turnq-simulator')).toMatch(/simulator/);
    expect(body.data[0].embedding).toHaveLength(3072);
    const log = await (await fetch(`${base}/_sim/requests?limit=1`)).json() as { requests: Array<{ kind: string }> };
    expect(log.requests[0].kind).toBe('embed');
    const bad = await fetch(`${base}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input: 3 }) });
    expect(bad.status).toBe(400);
  });
});

describe('simulator memory extraction', () => {
  it('keeps a Korean name as a profile fact and a diet as a preference', async () => {
    expect(await extract('제 이름은 김민수예요. 저는 채식주의자라 고기를 안 먹어요.')).toEqual([
      { action: 'add', kind: 'profile', text: '사용자의 이름은 김민수입니다.' },
      { action: 'add', kind: 'preference', text: '사용자는 채식주의자라 고기를 안 먹어요.' },
    ]);
  });

  it('keeps nothing from small talk or questions', async () => {
    expect(await extract('안녕하세요! 오늘 날씨 정말 좋네요.')).toEqual([]);
    expect(await extract('Hi, how are you today?')).toEqual([]);
    expect(await extract('제 이름이 뭐였죠?')).toEqual([]);
  });

  it('updates a memory of the same topic, and says nothing when it is only repeated', async () => {
    const existing = [{ id: 'm1', kind: 'preference' as const, text: '사용자는 채식주의자라 고기를 안 먹어요.' }];
    expect(await extract('사실 저는 이제 고기도 먹어요.', existing)).toEqual([{ action: 'update', id: 'm1', kind: 'preference', text: '사용자는 이제 고기도 먹어요.' }]);
    expect(await extract('저는 채식주의자라 고기를 안 먹어요.', existing)).toEqual([]);
  });

  it('works in English too', async () => {
    expect(await extract("My name is Alice Kim. I'm vegan and I live in Busan.")).toEqual([
      { action: 'add', kind: 'profile', text: "The user's name is Alice Kim." },
      { action: 'add', kind: 'preference', text: 'The user is vegan and they live in Busan.' },
    ]);
  });
});
