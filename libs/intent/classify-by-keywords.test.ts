import { classifyByKeywords, keywordScores } from './classify-by-keywords';
import { loadIntentTables } from './load-intent-tables';

const tables = loadIntentTables();

describe('classifyByKeywords', () => {
  it.each([
    ['안녕하세요! 처음 뵙겠습니다.', 'greeting'],
    ['Python으로 웹 크롤링하는 방법을 알려주세요.', 'information_seeking'],
    ['코드를 작성해주세요.', 'task_execution'],
    ['오류가 발생했는데 도움이 필요합니다.', 'problem_solving'],
    ['감사합니다. 안녕히 계세요.', 'ending'],
    ['hello there', 'greeting'],
    ['질문 1: Python으로 웹 크롤링하는 방법을 알려주세요.', 'information_seeking'],
  ])('labels the origin sentence %j as %s', (text, label) => {
    expect(classifyByKeywords(text, tables)?.label).toBe(label);
  });

  it.each([
    ['Hi! Nice to meet you.', 'greeting'],
    ['반갑습니다, 잘 부탁드려요', 'greeting'],
    ['What is the difference between TCP and UDP?', 'information_seeking'],
    ['How do I reverse a list in Python?', 'information_seeking'],
    ['쿠버네티스가 뭐야?', 'information_seeking'],
    ['Write a function that sorts an array of numbers', 'task_execution'],
    ['이 문장을 영어로 번역해줘', 'task_execution'],
    ['My build fails with an error and the app is broken', 'problem_solving'],
    ['로그인이 안 돼요. 버그인가요', 'problem_solving'],
    ['Tell me a funny joke lol', 'casual_chat'],
    ['오늘 너무 심심해 ㅋㅋ 재밌는 이야기 없어?', 'casual_chat'],
    ['Thanks a lot, goodbye!', 'ending'],
    ['Thank you, see you tomorrow', 'ending'],
    ['도움 주셔서 고맙습니다. 수고하세요', 'ending'],
  ])('labels %j as %s', (text, label) => {
    expect(classifyByKeywords(text, tables)?.label).toBe(label);
  });

  // The lines issue 14 quotes: each one missed every keyword or landed on the wrong label before.
  it.each([
    ['주문한 상품이 아직 안 왔어요. 어떻게 된 거죠?', 'problem_solving'],
    ['도와주세요', 'problem_solving'],
    ['환불해 주세요', 'problem_solving'],
    ['배송이 너무 늦어요', 'problem_solving'],
    ['앱이 자꾸 꺼져요', 'problem_solving'],
    ['좋은 하루 되세요', 'ending'],
    ['My app keeps crashing', 'problem_solving'],
    ['I want a refund', 'problem_solving'],
  ])('decides %j as %s at the default threshold', (text, label) => {
    expect(classifyByKeywords(text, tables)?.label).toBe(label);
  });

  it('lets a question word count only where strong cues point', () => {
    expect(keywordScores('앱이 왜 자꾸 꺼져요?', tables).get('information_seeking')).toBeUndefined();
    expect(classifyByKeywords('쿠버네티스가 뭐야?', tables)?.label).toBe('information_seeking');
    expect(keywordScores('광합성 설명해줘?', tables).get('information_seeking')).toBe(5);
  });

  it('does not count a cue right after a negator, except a complaint, which stays one', () => {
    expect(keywordScores('안 고마워요', tables).get('ending')).toBeUndefined();
    expect(keywordScores('not thanks to you', tables).get('ending')).toBeUndefined();
    expect(classifyByKeywords('no refund yet, it has been 2 weeks', tables)?.label).toBe('problem_solving');
    expect(classifyByKeywords('환불 안 해줘요?', tables)?.label).toBe('problem_solving');
  });

  it('lets "안녕히" beat the "안녕" inside it', () => {
    const scores = keywordScores('안녕히 가세요', tables);
    expect(scores.get('greeting')).toBeUndefined();
    expect(scores.get('ending')).toBeGreaterThan(0);
  });

  it.each(['this is which', 'Philosophy of history', 'shipping the byes'])(
    'does not find "hi" or "bye" inside the words of %j',
    (text) => {
      expect(keywordScores(text, tables).get('greeting')).toBeUndefined();
      expect(keywordScores(text, tables).get('ending')).toBeUndefined();
    },
  );

  it('matches English words next to Korean and punctuation', () => {
    expect(keywordScores('hi!', tables).get('greeting')).toBe(2);
    expect(keywordScores('bye요', tables).get('ending')).toBe(3);
  });

  it('abstains when two labels tie', () => {
    expect(keywordScores('설명 작성', tables).get('information_seeking')).toBe(4);
    expect(keywordScores('설명 작성', tables).get('task_execution')).toBe(4);
    expect(classifyByKeywords('설명 작성', tables)).toBeNull();
    expect(classifyByKeywords('hey bye', tables)).toBeNull();
  });

  it('abstains when nothing matches or the evidence is thin', () => {
    expect(classifyByKeywords('ㅁㄴㅇㄹ', tables)).toBeNull();
    expect(classifyByKeywords('12345', tables)).toBeNull();
    expect(classifyByKeywords('?', tables)).toBeNull();
  });

  it('keeps the confidence in [0, 1] and honours the threshold given', () => {
    const result = classifyByKeywords('오류가 발생했는데 도움이 필요합니다.', tables);
    expect(result!.confidence).toBeGreaterThan(0.9);
    expect(result!.confidence).toBeLessThanOrEqual(1);
    expect(classifyByKeywords('hi', tables, 0.1)?.label).toBe('greeting');
    expect(classifyByKeywords('hi', tables, 0.9)).toBeNull();
  });

  it('gives a lower confidence when another label competes', () => {
    const clear = classifyByKeywords('에러가 나요', tables)!;
    const mixed = classifyByKeywords('에러가 나요, 고쳐서 코드 작성해줘', tables);
    expect(mixed === null || mixed.confidence < clear.confidence).toBe(true);
  });
});
