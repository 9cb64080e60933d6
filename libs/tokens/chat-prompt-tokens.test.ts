import {
  ENCODINGS,
  REPLY_PRIMER_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  chatPromptTokens,
  messageTokens,
  messageTokensFromContent,
  tokenCounter,
} from '#libs/tokens';

describe('chat-format accounting', () => {
  it.each(ENCODINGS)('treats system, user and assistant as one token each in %s', (encoding) => {
    const counter = tokenCounter(encoding);
    for (const role of ['system', 'user', 'assistant', 'developer', 'tool', 'function']) {
      expect([role, counter.count(role)]).toEqual([role, 1]);
    }
  });

  it('adds 3 per message plus role and content tokens', () => {
    const counter = tokenCounter('gpt-4o');
    const content = '안녕하세요, 반갑습니다!';
    expect(messageTokens(counter, { role: 'user', content })).toBe(TOKENS_PER_MESSAGE + 1 + counter.count(content));
  });

  it('adds the name and one more token when a name is present', () => {
    const counter = tokenCounter('gpt-4o');
    const m = { role: 'user', content: 'hello', name: 'alice' };
    expect(messageTokens(counter, m)).toBe(messageTokens(counter, { role: 'user', content: 'hello' }) + TOKENS_PER_NAME + counter.count('alice'));
  });

  it('gives the same total from stored content counts as from the text', () => {
    const counter = tokenCounter('gpt-4o-mini');
    const m = { role: 'assistant', content: 'Redis가 꺼져 있어요 🙁 다시 시작해 보세요.' };
    expect(messageTokensFromContent(counter.count(m.content), m.role)).toBe(messageTokens(counter, m));
    expect(messageTokensFromContent(5, 'user', true)).toBe(TOKENS_PER_MESSAGE + 1 + 5 + TOKENS_PER_NAME);
  });

  it('never undercounts an unexpected role', () => {
    const counter = tokenCounter('gpt-4o');
    expect(messageTokensFromContent(0, 'moderator')).toBeGreaterThanOrEqual(TOKENS_PER_MESSAGE + counter.count('moderator'));
  });

  it.each([
    ['gpt-4o-mini', 124],
    ['gpt-4o', 124],
    ['gpt-4-0613', 129],
    ['gpt-3.5-turbo', 129],
  ])('matches the prompt_tokens the OpenAI API reported for the cookbook conversation on %s', (model, expected) => {
    // openai-cookbook "How to count tokens with tiktoken", section 6: example_messages and the API's usage.
    const messages = [
      { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
      { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
      { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
      { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
      { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
      { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
    ];
    expect(chatPromptTokens(tokenCounter(model as string), messages)).toBe(expected);
  });

  it('sums messages and adds the reply primer', () => {
    const counter = tokenCounter('gpt-3.5-turbo');
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '오늘 날씨 어때?' }];
    const sum = messages.reduce((n, m) => n + messageTokens(counter, m), 0);
    expect(chatPromptTokens(counter, messages)).toBe(sum + REPLY_PRIMER_TOKENS);
    expect(chatPromptTokens(counter, [])).toBe(REPLY_PRIMER_TOKENS);
  });
});
