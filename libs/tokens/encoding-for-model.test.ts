import { encodingForModel } from '#libs/tokens';

describe('encodingForModel', () => {
  it.each([
    'gpt-4o', 'gpt-4o-mini', 'gpt-4o-2024-08-06', 'chatgpt-4o-latest', 'gpt-4.1', 'gpt-4.1-nano',
    'gpt-4.5-preview', 'gpt-5', 'gpt-5-mini', 'o1', 'o1-mini', 'o3-mini', 'o4-mini', 'GPT-4O',
    'ft:gpt-4o-mini:acme::abc123', 'openai/gpt-4o',
  ])('maps %s to o200k_base', (model) => {
    expect(encodingForModel(model)).toBe('o200k_base');
  });

  it.each([
    'gpt-4', 'gpt-4-0613', 'gpt-4-32k', 'gpt-4-turbo', 'gpt-4-1106-preview', 'gpt-3.5-turbo',
    'gpt-3.5-turbo-0125', 'gpt-35-turbo', 'ft:gpt-3.5-turbo:acme::xyz', 'text-embedding-ada-002', 'openai/gpt-4',
  ])('maps %s to cl100k_base', (model) => {
    expect(encodingForModel(model)).toBe('cl100k_base');
  });

  it.each(['llama3.1:8b', 'qwen2.5:7b-instruct', 'mistralai/Mistral-7B-Instruct-v0.3', 'turnq-sim', ''])(
    'defaults the unknown model %p to o200k_base',
    (model) => {
      expect(encodingForModel(model)).toBe('o200k_base');
    },
  );
});
