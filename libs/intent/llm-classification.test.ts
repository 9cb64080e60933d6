import { classifyRequestMessages, parseClassification } from './llm-classification';
import { CONVERSATION_STATES } from './intent-labels';
import { loadIntentTables } from './load-intent-tables';

describe('classifyRequestMessages', () => {
  it('lists every label with its description and asks for the JSON answer', () => {
    const tables = loadIntentTables();
    const [system, user] = classifyRequestMessages('뭔가 이상해요', tables);
    expect(system!.role).toBe('system');
    for (const label of [...CONVERSATION_STATES, 'unknown']) expect(system!.content).toContain(`- ${label}: `);
    expect(system!.content).toContain(tables.labels.ending.description);
    expect(system!.content).toContain('{"label"');
    expect(system!.content).toContain('"sentiment": "negative" | "neutral" | "positive"');
    expect(user).toEqual({ role: 'user', content: '뭔가 이상해요' });
  });

  it('keeps the start and the end of a very long message', () => {
    const text = `START${'x'.repeat(20000)}END`;
    const content = classifyRequestMessages(text)[1]!.content;
    expect(content.length).toBeLessThan(5000);
    expect(content.startsWith('START')).toBe(true);
    expect(content.endsWith('END')).toBe(true);
  });
});

describe('parseClassification', () => {
  it('accepts a known label with a confidence', () => {
    expect(parseClassification('{"label":"problem_solving","confidence":0.8}')).toEqual({ label: 'problem_solving', confidence: 0.8, sentiment: null });
    expect(parseClassification('{"label":"unknown","confidence":0}')).toEqual({ label: 'unknown', confidence: 0, sentiment: null });
  });

  it('tolerates a markdown fence, case, and extra fields', () => {
    expect(parseClassification('```json\n{"label": " Greeting ", "confidence": 1, "reason": "hi"}\n```')).toEqual({
      label: 'greeting',
      confidence: 1,
      sentiment: null,
    });
  });

  it('reads the sentiment answered in the same object', () => {
    expect(parseClassification('{"label":"problem_solving","confidence":0.8,"sentiment":"Negative","intensity":0.7}')).toEqual({
      label: 'problem_solving', confidence: 0.8, sentiment: { label: 'negative', intensity: 0.7 },
    });
    expect(parseClassification('{"label":"greeting","confidence":0.9,"sentiment":"neutral","intensity":0.4}')!.sentiment)
      .toEqual({ label: 'neutral', intensity: 0 });
  });

  it.each([
    ['an unknown sentiment', '"sentiment":"angry","intensity":0.5'],
    ['intensity out of range', '"sentiment":"negative","intensity":2'],
    ['no intensity', '"sentiment":"negative"'],
  ])('keeps the intent and drops %s', (_case, extra) => {
    expect(parseClassification(`{"label":"ending","confidence":0.9,${extra}}`)).toEqual({ label: 'ending', confidence: 0.9, sentiment: null });
  });

  it.each([
    ['not json', 'I think it is a greeting'],
    ['truncated json', '{"label":"greeting","conf'],
    ['unknown label', '{"label":"smalltalk","confidence":0.9}'],
    ['confidence as string', '{"label":"greeting","confidence":"0.9"}'],
    ['confidence out of range', '{"label":"greeting","confidence":1.5}'],
    ['missing confidence', '{"label":"greeting"}'],
    ['label not a string', '{"label":3,"confidence":0.5}'],
    ['array', '["greeting"]'],
    ['null', 'null'],
    ['empty', ''],
  ])('rejects %s', (_case, raw) => {
    expect(parseClassification(raw)).toBeNull();
  });

  it('rejects a non-string answer', () => {
    expect(parseClassification(undefined)).toBeNull();
    expect(parseClassification({ label: 'greeting', confidence: 1 })).toBeNull();
  });
});
