import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { simConfig, until } from '../support';

interface Block { id: string | undefined; event: string | undefined; data: string | undefined }

/** An SSE client that reads as events arrive and records when the server closed the stream. */
async function follow(url: string): Promise<{ blocks: Block[]; ended: Promise<number> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  expect(res.status).toBe(200);
  const blocks: Block[] = [];
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const get = (k: string) => block.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
        if (block.includes('data:')) blocks.push({ id: get('id'), event: get('event'), data: get('data') });
      }
    }
    return Date.now();
  })();
  return { blocks, ended };
}

/**
 * A stream or a ?wait whose session is deleted ends (README, "Reliability"): the SSE stream of a running
 * and of a queued turn closes with a final `gone` event long before a keep-alive would have noticed
 * (15 s), a pending ?wait answers 404 (not a stale 202), and GET of the turn is 404.
 */
describe('followers of a session that is deleted', () => {
  let stack: Stack;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    stack = await startStack({ workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 }, env: { LLM_SIM_TOKENS_PER_SECOND: '0' } });
    api = client(stack.baseUrl);
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });
  afterEach(async () => { await simConfig(stack, { latencyMs: 0 }); });

  it('closes the streams with a final gone event, answers the waits 404 and the turns 404', async () => {
    await simConfig(stack, { latencyMs: 60_000 }); // the first turn runs until the session is gone
    const s = await api.session();
    const running = await api.submit(s.id, 'hello, run for a long time');
    const queued = await api.submit(s.id, 'hello, wait behind it', '', { 'idempotency-key': 'k-queued' });
    await until('the first turn to run', async () => (await api.http('GET', `/v1/turns/${running.json.turnId}`)).json.status === 'running');
    const streams = await Promise.all([running, queued].map((t) => follow(`${stack.baseUrl}/v1/turns/${t.json.turnId}/events`)));
    await until('both streams to have their first events', () => streams.every((x) => x.blocks.length > 0));
    // one wait holds the request that created its turn; the other repeats an Idempotency-Key
    const waitCreated = api.submit(s.id, 'hello, and wait', '?wait=30');
    const waitRepeated = api.submit(s.id, 'hello, wait behind it', '?wait=30', { 'idempotency-key': 'k-queued' });
    await until('the third turn to be queued', async () => (await api.http('GET', `/v1/sessions/${s.id}`)).json.pendingTurns === 2);

    const deletedAt = Date.now();
    expect((await api.http('DELETE', `/v1/sessions/${s.id}`)).status).toBe(204);
    for (const st of streams) {
      expect(await st.ended - deletedAt).toBeLessThan(10_000);
      expect(st.blocks.at(-1)).toMatchObject({ event: 'gone', id: undefined });
      expect(JSON.parse(st.blocks.at(-1)!.data!)).toMatchObject({ reason: 'session_gone' });
    }
    const [created, repeated] = await Promise.all([waitCreated, waitRepeated]);
    expect([created.status, repeated.status]).toEqual([404, 404]);
    expect(Date.now() - deletedAt).toBeLessThan(10_000);
    for (const t of [running, queued]) expect((await api.http('GET', `/v1/turns/${t.json.turnId}`)).status).toBe(404);
  });
});
