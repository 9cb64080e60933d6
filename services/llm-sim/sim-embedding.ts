import { hashText } from './seeded-random';

/*
 * The simulator's embeddings: a hashed bag of features, unit length. Texts that share words are close,
 * which is all retrieval tests need: whole words (lower-cased), Hangul bigrams (a Korean word carries
 * its particle — 채식주의자라 / 채식주의자는 — so whole words alone would rarely match), and trigrams of
 * longer Latin words (vegetarian / vegetarians). Deterministic, and not a model: it knows no meaning.
 */
const STOP = new Set(['i', 'a', 'an', 'the', 'is', 'am', 'are', 'to', 'of', 'and', 'my', 'me', 'it', 'in', 'on', 'so', 'do', 'don',
  't', 's', 'm', '저는', '제', '전', '나는', '내', '그리고', '정말', '좀', '요']);
const HANGUL = /[\uac00-\ud7a3]/;

function features(text: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!word || STOP.has(word)) continue;
    out.push([`w:${word}`, 1]);
    const chars = Array.from(word);
    if (HANGUL.test(word)) for (let i = 0; i + 1 < chars.length; i++) out.push([`b:${chars[i]}${chars[i + 1]}`, 0.6]);
    else if (chars.length > 4) for (let i = 0; i + 2 < chars.length; i++) out.push([`t:${chars.slice(i, i + 3).join('')}`, 0.3]);
  }
  return out;
}

export function simEmbedding(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (const [feature, weight] of features(text)) {
    const h = hashText(feature);
    v[h % dims] += (h & 0x80000000 ? -1 : 1) * weight;
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += v[i] * v[i];
  if (norm === 0) {
    v[hashText(text) % dims] = 1; // no features (empty or only stop words): still a valid unit vector
    return v;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i] *= inv;
  return v;
}

/** OpenAI's default sizes: text-embedding-3-large 3072, the others 1536. */
export function defaultDimensions(model: string): number {
  return /3-large/.test(model) ? 3072 : 1536;
}
