/** Which BPE vocabulary a model uses, so prompts are budgeted with the tokenizer the provider bills with. */
export type Encoding = 'o200k_base' | 'cl100k_base';

export const ENCODINGS: readonly Encoding[] = ['o200k_base', 'cl100k_base'];

export function isEncoding(value: string): value is Encoding {
  return (ENCODINGS as readonly string[]).includes(value);
}

/**
 * gpt-4 (but not gpt-4o / gpt-4.x), gpt-3.5 and the ada-002 / v3 embeddings use cl100k_base.
 * Everything else — gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1/o3/o4 and any name we do not know (Ollama,
 * vLLM, llama.cpp, the simulator) — gets o200k_base: it is the current OpenAI vocabulary, and a
 * self-hosted model's own tokenizer is not available to us anyway.
 */
const CL100K = [
  /^gpt-4(?:$|-)/, // gpt-4, gpt-4-0613, gpt-4-32k, gpt-4-turbo…; the lookahead keeps gpt-4o and gpt-4.1 out
  /^gpt-3\.5(?:$|-)/,
  /^gpt-35-/, // Azure deployment spelling
  /^text-embedding-(?:ada-002|3-)/,
];

export function encodingForModel(model: string): Encoding {
  const name = baseModelName(model);
  return CL100K.some((re) => re.test(name)) ? 'cl100k_base' : 'o200k_base';
}

/** "ft:gpt-3.5-turbo:org::id" and "openai/gpt-4" name the same base model as their core. */
function baseModelName(model: string): string {
  let name = model.trim().toLowerCase();
  if (name.startsWith('ft:')) name = name.slice(3).split(':')[0];
  const slash = name.lastIndexOf('/');
  return slash >= 0 ? name.slice(slash + 1) : name;
}
