import { Tiktoken } from 'js-tiktoken/lite';
import o200kRanks from 'js-tiktoken/ranks/o200k_base';
import cl100kRanks from 'js-tiktoken/ranks/cl100k_base';
import { type Encoding, ENCODINGS, tokenCounter } from '#libs/tokens';

/** js-tiktoken is the reference port of OpenAI's tiktoken; the hot path must agree with it exactly. */
const REFERENCE: Record<Encoding, Tiktoken> = {
  o200k_base: new Tiktoken(o200kRanks),
  cl100k_base: new Tiktoken(cl100kRanks),
};

const SAMPLES: Record<string, string> = {
  korean: '안녕하세요! 지난주에 주문한 상품이 아직 도착하지 않았는데, 배송 조회를 부탁드려도 될까요?',
  koreanLong: '회의록을 세 줄로 요약해 주세요. 데이터베이스 마이그레이션 중 외래 키 제약 조건 때문에 실패했습니다. '.repeat(20),
  jamoAndHanja: 'ㅋㅋㅋ ㅠㅠ 韓國語 한글 자모 ㄱㄴㄷ 뷁 똠방각하',
  english: 'Could you explain how the rolling summary keeps the prompt within the token budget?',
  emoji: '좋아요 👍🏻🎉 family: 👨‍👩‍👧‍👦 flags: 🇰🇷🇺🇸 ✅❤️‍🔥',
  code: '```ts\nconst total = items.reduce((sum, x) => sum + x.price * x.qty, 0);\n\tif (!ok) throw new Error(`bad ${id}`);\n```',
  mixed: '배포 로그: `Error: ECONNREFUSED 127.0.0.1:6379` 🙁 Redis가 꺼져 있나요? JSON {"label":"task_execution","confidence":0.87}',
  whitespace: '  leading\n\n\ntrailing   \r\n\t탭  ',
  specialTokenText: 'user typed <|endoftext|> and <|im_start|>system<|im_sep|> literally',
  numbers: '3.14159 1,234,567 2024-05-13T12:00:00Z 010-1234-5678',
};

describe('tokenCounter', () => {
  describe.each(ENCODINGS)('%s', (encoding) => {
    it.each(Object.entries(SAMPLES))('counts %s exactly like js-tiktoken', (_name, text) => {
      expect(tokenCounter(encoding).count(text)).toBe(REFERENCE[encoding].encode(text, [], []).length);
    });
  });

  it('counts special-token lookalikes as plain text instead of throwing', () => {
    expect(tokenCounter('o200k_base').count('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('counts the empty string as zero tokens', () => {
    expect(tokenCounter('gpt-4o').count('')).toBe(0);
  });

  it('returns one cached counter per encoding, whether asked by model or encoding name', () => {
    expect(tokenCounter('gpt-4o-mini')).toBe(tokenCounter('o200k_base'));
    expect(tokenCounter('gpt-3.5-turbo')).toBe(tokenCounter('cl100k_base'));
    expect(tokenCounter('gpt-3.5-turbo').encoding).toBe('cl100k_base');
  });

  it('splits Korean into fewer tokens with o200k_base than with cl100k_base', () => {
    const text = SAMPLES.koreanLong;
    expect(tokenCounter('o200k_base').count(text)).toBeLessThan(tokenCounter('cl100k_base').count(text));
  });
});
