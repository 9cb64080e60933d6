/**
 * Replies must be a pure function of the request, so everything "random" about their content is drawn
 * from a generator seeded with a hash of the request text. (Fault injection uses real randomness.)
 */
export type Random = () => number;

/** FNV-1a over UTF-16 code units: fast, stable across processes, good enough to spread seeds. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny PRNG with a 32-bit state; returns numbers in [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)];
}

/*
 * Judged by words, not letters: one Hangul syllable carries what several Latin letters do, so
 * "Redis 오류가 나요 ECONNREFUSED" reads as Korean. Ties go to Korean.
 */
export function isMostlyKorean(text: string): boolean {
  let korean = 0;
  let latin = 0;
  for (const word of text.split(/\s+/)) {
    if (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]/.test(word)) korean++;
    else if (/[A-Za-z]/.test(word)) latin++;
  }
  return korean > 0 && korean >= latin;
}
