import { classifyIntent, type IntentLlm } from './classify-intent';
import { loadIntentTables } from './load-intent-tables';
import { loadSentimentLexicon } from './score-sentiment';

const tables = loadIntentTables();
const lexicon = loadSentimentLexicon();

type Request = Parameters<IntentLlm['complete']>[0];

function fakeLlm(answer: (req: Request) => string | Error): IntentLlm & { calls: Request[] } {
  const calls: Request[] = [];
  return {
    calls,
    async complete(req) {
      calls.push(req);
      const out = answer(req);
      if (out instanceof Error) throw out;
      return { text: out, model: req.model, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, usageEstimated: false };
    },
  };
}

class FakeLlmError extends Error {
  constructor(readonly retryable: boolean) {
    super(retryable ? 'rate limited' : 'bad request');
  }
}

describe('classifyIntent', () => {
  it('answers from the keywords without calling the LLM', async () => {
    const llm = fakeLlm(() => new Error('must not be called'));
    const result = await classifyIntent({ text: '감사합니다. 안녕히 계세요.', tables, lexicon, llm, model: 'm' });
    expect(result.intent).toMatchObject({ label: 'ending', method: 'keyword' });
    expect(result.sentiment).toMatchObject({ label: 'positive', method: 'keyword' });
    expect(llm.calls).toHaveLength(0);
  });

  it('asks the LLM deterministically for JSON when the keywords abstain', async () => {
    const llm = fakeLlm(() => '{"label":"casual_chat","confidence":0.7,"sentiment":"positive","intensity":0.4}');
    const result = await classifyIntent({ text: 'ㅁㄴㅇㄹ', tables, lexicon, llm, model: 'intent-model' });
    expect(result).toEqual({
      intent: { label: 'casual_chat', confidence: 0.7, method: 'llm' },
      sentiment: { label: 'positive', intensity: 0.4, method: 'llm' },
    });
    expect(llm.calls).toHaveLength(1);
    expect(llm.calls[0]).toMatchObject({ model: 'intent-model', operation: 'classify', temperature: 0, json: true });
    expect(llm.calls[0]!.maxTokens).toBeLessThanOrEqual(100);
  });

  it('passes the abort signal through', async () => {
    const controller = new AbortController();
    const llm = fakeLlm(() => '{"label":"greeting","confidence":0.9}');
    await classifyIntent({ text: '...', tables, lexicon, llm, model: 'm', signal: controller.signal });
    expect(llm.calls[0]!.signal).toBe(controller.signal);
  });

  it('records an unparsable answer as unknown / fallback', async () => {
    const llm = fakeLlm(() => '{"label":"weather"}');
    expect(await classifyIntent({ text: '...', tables, lexicon, llm, model: 'm' })).toEqual({
      intent: { label: 'unknown', confidence: 0, method: 'fallback' },
      sentiment: { label: 'neutral', intensity: 0, method: 'fallback' },
    });
  });

  it('keeps the model\'s intent and reads the sentiment from the lexicon when the answer has none', async () => {
    const llm = fakeLlm(() => '{"label":"task_execution","confidence":0.8}');
    const result = await classifyIntent({ text: '으으 ㅠㅠ', tables, lexicon, llm, model: 'm' });
    expect(result.intent).toEqual({ label: 'task_execution', confidence: 0.8, method: 'llm' });
    expect(result.sentiment).toMatchObject({ label: 'negative', method: 'fallback' });
  });

  it('records a non-retryable LLM error as unknown / fallback', async () => {
    const llm = fakeLlm(() => new FakeLlmError(false));
    expect((await classifyIntent({ text: '...', tables, lexicon, llm, model: 'm' })).intent).toMatchObject({ label: 'unknown', method: 'fallback' });
  });

  it('rethrows a retryable LLM error for the queue to retry', async () => {
    const llm = fakeLlm(() => new FakeLlmError(true));
    await expect(classifyIntent({ text: '...', tables, lexicon, llm, model: 'm' })).rejects.toThrow('rate limited');
  });

  it('rethrows any error once the caller aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const llm = fakeLlm(() => new FakeLlmError(false));
    await expect(classifyIntent({ text: '...', tables, lexicon, llm, model: 'm', signal: controller.signal })).rejects.toThrow();
  });

  it('uses the threshold given', async () => {
    const llm = fakeLlm(() => '{"label":"information_seeking","confidence":0.6}');
    const result = await classifyIntent({ text: 'hi', tables, lexicon, llm, model: 'm', threshold: 0.99 });
    expect(result.intent.method).toBe('llm');
  });
});
