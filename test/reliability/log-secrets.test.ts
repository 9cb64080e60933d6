import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { allLogs, simConfig, until } from '../support';

/**
 * Style rule 6 and the promise: at LOG_LEVEL=info no process logs an API key (valid or not),
 * the model provider's key, a prompt (user content, system prompt) or a reply. The stack is driven
 * through its success, failure, refusal and summary paths, then every process's log is searched.
 */
describe('logs at LOG_LEVEL=info', () => {
  let stack: Stack;
  const apiKey = 'tq-live-6f1c9a0d4b7e4c2f9a8b7c6d5e4f3a2b';
  const wrongKey = 'tq-live-00000000wrongwrongwrong0000000';
  const providerKey = 'sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe';
  const promptMarker = 'ultraviolet-pangolin-7391';
  const systemMarker = 'crimson-axolotl-4402';

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 1 },
      env: {
        LOG_LEVEL: 'info', TURNQ_API_KEYS: `${apiKey}=acme`, OPENAI_API_KEY: providerKey,
        LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0', TURNQ_JOB_ATTEMPTS: '2', TURNQ_JOB_BACKOFF_MS: '50',
        // a small budget so that summaries run too
        TURNQ_MAX_CONTEXT_TOKENS: '300', TURNQ_SUMMARY_KEEP_MESSAGES: '2', TURNQ_MAX_REPLY_TOKENS: '60',
      },
    });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('contains no key, prompt or reply text after completed, failed, refused and summarized turns', async () => {
    const api = client(stack.baseUrl, apiKey);
    const s = await api.session({ systemPrompt: `You are ${systemMarker}.`, userId: 'user-1' });
    const replies: string[] = [];
    // keyword path, LLM classification path, Korean text
    for (const content of [`hello ${promptMarker}`, `zebra quantum ${promptMarker} marmalade`, `${promptMarker} 설명해 주세요`, `tell me more about ${promptMarker}`]) {
      const t = (await api.submit(s.id, content, '?wait=20')).json;
      expect(t.status).toBe('completed');
      replies.push(t.response);
    }
    await until('a summary to be stored', async () => (await api.http('GET', `/v1/sessions/${s.id}`)).json.summary !== null, 20_000);

    await simConfig(stack, { failRate: 1 });
    const failed = (await api.submit(s.id, `please fail ${promptMarker}`, '?wait=20')).json;
    expect(failed.status).toBe('failed');
    await simConfig(stack, { failRate: 0, badJsonRate: 1 });
    expect((await api.submit(s.id, `gibberish ${promptMarker} zzz`, '?wait=20')).json.intent.method).toBe('fallback');
    await simConfig(stack, { badJsonRate: 0 });

    expect((await client(stack.baseUrl, wrongKey).http('GET', `/v1/sessions/${s.id}`)).status).toBe(401);
    expect((await api.http('POST', `/v1/sessions/${s.id}/turns`, { body: { content: `${promptMarker}\ud800` } })).status).toBe(400);
    expect((await api.http('POST', `/v1/sessions/${s.id}/turns`, { raw: `{"content":"${promptMarker}"`, headers: { 'content-type': 'application/json' } })).status).toBe(400);

    // log files are written asynchronously: wait for the failed turn's warning before reading them all
    const logs = await until('the failed turn\'s warning in the logs', () => { const l = allLogs(stack); return l.includes('turn failed') && l; });
    expect(logs).toContain('"level":40'); // the failure paths did log (warnings), so the search below is not vacuous
    expect(logs).toContain('turn failed');
    for (const secret of [apiKey, wrongKey, providerKey, promptMarker, systemMarker, ...replies, ...replies.map((r) => r.slice(0, 60))]) {
      expect([secret.slice(0, 40), logs.includes(secret)]).toEqual([secret.slice(0, 40), false]);
    }
  }, 90_000);
});
