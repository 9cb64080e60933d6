/**
 * Scripted conversations for simulated users. The first Korean script is the origin design's
 * multi-user scenario verbatim; the others cover every intent label in both languages, so the intent
 * distribution and state changes of a run are meaningful; one line per language matches no keyword, so
 * the LLM fallback of the intent stage is exercised too. A user whose run has more turns than its
 * script starts the script again (the conversation goes on; the history keeps growing).
 */
export interface Dialogue { name: string; lang: 'ko' | 'en'; lines: readonly string[] }

export const DIALOGUES: readonly Dialogue[] = [
  {
    name: 'origin-crawler', lang: 'ko', lines: [
      '안녕하세요! 처음 뵙겠습니다.',
      'Python으로 웹 크롤링하는 방법을 알려주세요.',
      '코드를 작성해주세요.',
      '오류가 발생했는데 도움이 필요합니다.',
      '감사합니다. 안녕히 계세요.',
    ],
  },
  {
    name: 'ko-deploy', lang: 'ko', lines: [
      '안녕하세요, 반갑습니다.',
      'Docker 컨테이너와 이미지의 차이를 설명해 주세요.',
      '배포용 Dockerfile을 만들어 주세요.',
      '빌드할 때 에러가 나고 이미지가 안돼요. 도움이 필요합니다.',
      '재미있는 개발자 농담 하나 해 주세요.',
      '고마워요, 잘가요!',
    ],
  },
  {
    name: 'ko-data', lang: 'ko', lines: [
      '안녕! 오늘 처음 써 봐요.',
      '데이터베이스 정규화가 무엇인지 알려 주세요.',
      '주문 테이블 스키마를 생성해 주세요.',
      '마이그레이션 중에 외래 키 오류가 발생했어요.',
      '왜 그런 문제가 생기는지 설명해 주세요.',
      '음, 잠깐 생각 좀 해 볼게요.',
      '감사합니다. 안녕히 계세요.',
    ],
  },
  {
    name: 'en-crawler', lang: 'en', lines: [
      'Hello! Nice to meet you.',
      'How do I scrape a website with Python? Please explain.',
      'Write the crawler code for me.',
      'I got an error when I run it and need help.',
      'Thanks a lot, goodbye!',
    ],
  },
  {
    name: 'en-queue', lang: 'en', lines: [
      'Hi there, good morning.',
      'What is the difference between at-least-once and exactly-once delivery?',
      'Create a small retry helper with exponential backoff.',
      'The worker crashes with an exception after a few jobs. Can you fix it?',
      'Tell me a funny story about queues, a joke is fine.',
      'Hmm, let me think for a moment.',
      'That is all, thank you. Bye!',
    ],
  },
];

/** The dialogue of user `n`: alternating Korean and English so any run of 2+ users speaks both. */
export function dialogueOf(user: number): Dialogue {
  const ko = DIALOGUES.filter((d) => d.lang === 'ko');
  const en = DIALOGUES.filter((d) => d.lang === 'en');
  const pool = user % 2 === 0 ? ko : en;
  return pool[Math.floor(user / 2) % pool.length];
}

/** The user's line for its `i`-th turn (0-based). */
export function lineOf(d: Dialogue, i: number): string {
  return d.lines[i % d.lines.length];
}
