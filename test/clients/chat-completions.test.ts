import OpenAI, { APIError } from 'openai';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/*
 * The OpenAI-compatible endpoint with the official `openai` client as the caller, against a real stack.
 * Two attempts per job without backoff: a failure test fails fast, and a restarted reply can be seen.
 */
describe('OpenAI-compatible chat endpoint', () => {
  let stack: Stack;
  let openai: OpenAI;
  const native = () => client(stack.baseUrl, 'key-a');
  const sim = (knobs: Record<string, number>) => fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
  const user = (content: string) => [{ role: 'user' as const, content }];

  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '2000', TURNQ_API_KEYS: 'key-a=tenant-a,key-b=tenant-b', TURNQ_JOB_ATTEMPTS: '2', TURNQ_JOB_BACKOFF_MS: '0' } });
    openai = new OpenAI({ apiKey: 'key-a', baseURL: `${stack.baseUrl}/v1` });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });
  afterEach(async () => { await sim({ failRate: 0, breakRate: 0, tokensPerSecond: 2000 }); });

  it('lists the configured reply model', async () => {
    const models = [];
    for await (const m of openai.models.list()) models.push(m.id);
    expect(models).toEqual(['gpt-4o-mini']);
    expect((await openai.models.retrieve('gpt-4o-mini')).owned_by).toBe('turnq');
    await expect(openai.models.retrieve('gpt-9')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('creates a session from a request without X-Session-Id and answers with the turn\'s real reply, usage and model', async () => {
    const { data, response } = await openai.chat.completions.create({
      model: 'whatever', messages: [{ role: 'system', content: 'You are terse.' }, ...user('Explain message queues, please.')],
    }).withResponse();
    const sessionId = response.headers.get('x-session-id')!;
    expect(sessionId).toMatch(/^ses_/);
    const turnId = data.id.replace(/^chatcmpl-/, '');
    const turn = (await native().http('GET', `/v1/turns/${turnId}`)).json;
    expect(turn).toMatchObject({ sessionId, status: 'completed', input: 'Explain message queues, please.' });
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe(turn.model);
    expect(data.choices).toEqual([expect.objectContaining({ index: 0, finish_reason: 'stop', message: expect.objectContaining({ role: 'assistant', content: turn.response }) })]);
    expect(data.usage).toEqual({ prompt_tokens: turn.usage.promptTokens, completion_tokens: turn.usage.completionTokens, total_tokens: turn.usage.totalTokens });
    expect((await native().http('GET', `/v1/sessions/${sessionId}`)).json.systemPrompt).toBe('You are terse.');
  });

  it('streams chunks whose text is the turn\'s reply, then a usage chunk with include_usage', async () => {
    const first = await openai.chat.completions.create({ model: 'm', messages: user('hello') }).withResponse();
    const sessionId = first.response.headers.get('x-session-id')!;
    const stream = await openai.chat.completions.create(
      { model: 'm', messages: user('How does streaming work?'), stream: true, stream_options: { include_usage: true } },
      { headers: { 'X-Session-Id': sessionId } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    const turn = (await native().http('GET', `/v1/turns/${chunks[0].id.replace(/^chatcmpl-/, '')}`)).json;
    expect(turn).toMatchObject({ sessionId, seq: 2, status: 'completed' });
    expect(text).toBe(turn.response);
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).length).toBeGreaterThan(1);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: turn.usage.promptTokens, completion_tokens: turn.usage.completionTokens, total_tokens: turn.usage.totalTokens });
    expect(chunks.at(-1)!.model).toBe(turn.model);
  });

  it('ends a stream with data: [DONE] and sends no usage without include_usage', async () => {
    const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: user('hi there') }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const data = (await res.text()).split('\n\n').filter(Boolean).map((b) => b.replace(/^data: /, ''));
    expect(data.at(-1)).toBe('[DONE]');
    for (const d of data.slice(0, -1)) expect(JSON.parse(d)).not.toHaveProperty('usage');
  });

  it('keeps two interleaved sessions\' histories apart, taking only the last user message as the turn', async () => {
    const open = async (tag: string) => (await openai.chat.completions.create({ model: 'm', messages: user(`${tag} one`) }).withResponse()).response.headers.get('x-session-id')!;
    const [a, b] = await Promise.all([open('alpha'), open('beta')]);
    const say = (sid: string, content: string) => openai.chat.completions.create(
      { model: 'm', messages: [...user('ignored earlier question'), { role: 'assistant', content: 'ignored answer' }, ...user(content)] },
      { headers: { 'X-Session-Id': sid } });
    const [a2, b2] = await Promise.all([say(a, 'alpha two'), say(b, 'beta two')]);
    const [a3, b3] = await Promise.all([say(a, 'alpha three'), say(b, 'beta three')]);
    for (const [sid, tag, replies] of [[a, 'alpha', [a2, a3]], [b, 'beta', [b2, b3]]] as const) {
      const msgs = await native().messages(sid);
      expect(msgs.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([`${tag} one`, `${tag} two`, `${tag} three`]);
      expect(msgs.filter((m) => m.role === 'assistant').slice(1).map((m) => m.content)).toEqual(replies.map((r) => r.choices[0].message.content));
      expect(msgs.map((m) => m.content).join(' ')).not.toContain('ignored');
    }
    // the third turn's prompt carries the two earlier exchanges turnq kept, not the ones in the request
    expect((a3 as unknown as { turnq: { context: { messagesTotal: number } } }).turnq.context.messagesTotal).toBe(4);
  });

  it('answers a repeated Idempotency-Key on the same session with the same turn, creating nothing new', async () => {
    const sid = (await native().session()).id;
    const ask = () => openai.chat.completions.create({ model: 'm', messages: user('hello once') }, { headers: { 'X-Session-Id': sid, 'Idempotency-Key': 'same-key' } });
    const [a, b] = await Promise.all([ask(), ask()]);
    expect(b.id).toBe(a.id);
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
    expect((await native().http('GET', `/v1/sessions/${sid}`)).json.messageCount).toBe(2);
  });

  it.each([
    ['no messages', { model: 'm' }, 'messages'],
    ['content of the wrong type', { model: 'm', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    ['no user message', { model: 'm', messages: [{ role: 'system', content: 'x' }] }, 'messages'],
    ['an empty user message', { model: 'm', messages: [{ role: 'user', content: '' }] }, 'messages[0].content'],
    ['an image part', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages[0].content[0].type'],
    ['n = 2', { model: 'm', n: 2, messages: [{ role: 'user', content: 'hi' }] }, 'n'],
  ])('refuses %s with 400 in OpenAI\'s error shape and stores nothing', async (_n, body, param) => {
    const sid = (await native().session()).id;
    const err = await openai.chat.completions.create(body as never, { headers: { 'X-Session-Id': sid } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).error).toEqual({ message: expect.stringContaining(param), type: 'invalid_request_error', param, code: expect.any(String) });
    expect((await native().http('GET', `/v1/sessions/${sid}`)).json).toMatchObject({ pendingTurns: 0, messageCount: 0 });
  });

  it('answers an unknown session, and another tenant\'s, with 404 session_not_found', async () => {
    const theirs = (await client(stack.baseUrl, 'key-b').session()).id;
    for (const sid of ['ses_00000000000000000000', theirs]) {
      const err = await openai.chat.completions.create({ model: 'm', messages: user('hi') }, { headers: { 'X-Session-Id': sid } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as APIError).error).toMatchObject({ type: 'invalid_request_error', param: 'X-Session-Id', code: 'session_not_found' });
    }
  });

  it('refuses a missing or wrong key with 401 in OpenAI\'s shape, before reading the body', async () => {
    const wrong = new OpenAI({ apiKey: 'nope', baseURL: `${stack.baseUrl}/v1`, maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'm', messages: user('hi') })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method: 'POST', body: 'not json' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  });

  it.each([
    ['GET on the endpoint', 'GET', {}, undefined, 405],
    ['a body that is not JSON', 'POST', { 'content-type': 'text/plain' }, 'hi', 415],
    ['broken JSON', 'POST', { 'content-type': 'application/json' }, '{"messages":', 400],
  ])('answers %s in OpenAI\'s error shape', async (_n, method, headers, body, status) => {
    const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, { method, headers: { authorization: 'Bearer key-a', ...headers }, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error' });
  });

  it.each([[false], [true]])('answers a turn the model failed with 502 upstream_error and no client retry (stream: %s)', async (stream) => {
    await sim({ failRate: 1 });
    const sid = (await native().session()).id;
    const err = await openai.chat.completions.create({ model: 'm', messages: user('hello'), stream }, { headers: { 'X-Session-Id': sid } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ status: 502, type: 'upstream_error' });
    const session = (await native().http('GET', `/v1/sessions/${sid}`)).json;
    expect(session).toMatchObject({ messageCount: 0, pendingTurns: 0 });
    expect((await native().http('GET', `/v1/turns/trn_${sid.slice(4)}_2`)).status).toBe(404); // the SDK did not submit again
  });

  // Korean keyword text keeps the intent stage off the (broken) model: only the reply breaks.
  const GREETING = '안녕하세요! 처음 뵙겠습니다.';

  it('raises a failure after the first tokens inside the stream, as an error chunk', async () => {
    await sim({ breakRate: 1, tokensPerSecond: 200 });
    const sid = (await native().session()).id;
    const stream = await openai.chat.completions.create({ model: 'm', messages: user(GREETING), stream: true }, { headers: { 'X-Session-Id': sid } });
    let text = '';
    const err = await (async () => { for await (const c of stream) text += c.choices[0]?.delta?.content ?? ''; })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).error).toMatchObject({ type: 'upstream_error' });
  });

  it('streams a reply the worker restarted after a broken model stream once, without repeating text', async () => {
    await sim({ breakRate: 1, tokensPerSecond: 100 });
    const sid = (await native().session()).id;
    const stream = await openai.chat.completions.create({ model: 'm', messages: user(GREETING), stream: true }, { headers: { 'X-Session-Id': sid } });
    let text = '';
    for await (const c of stream) {
      const piece = c.choices[0]?.delta?.content ?? '';
      if (piece && !text) await sim({ breakRate: 0 }); // the first attempt already breaks halfway; the retry will not
      text += piece;
    }
    const turn = (await native().http('GET', `/v1/turns/trn_${sid.slice(4)}_1`)).json;
    expect(turn.status).toBe('completed');
    expect(text).toBe(turn.response);
    const events = await (await fetch(`${stack.baseUrl}/v1/turns/${turn.turnId}/events`, { headers: { authorization: 'Bearer key-a' } })).text();
    expect(events).toContain('"restarted":true');
  });
});
