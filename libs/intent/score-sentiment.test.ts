import { loadSentimentLexicon, scoreSentiment } from './score-sentiment';

const lexicon = loadSentimentLexicon();
const read = (text: string) => scoreSentiment(text, lexicon);

describe('scoreSentiment', () => {
  it.each([
    ['배송이 너무 늦어요', 'negative'],
    ['앱이 자꾸 꺼져요', 'negative'],
    ['My app keeps crashing', 'negative'],
    ['this is ridiculous', 'negative'],
    ['수학 진짜 모르겠어 ㅠㅠ', 'negative'],
    ['감사합니다!', 'positive'],
    ['ㅋㅋㅋㅋ 개웃기네', 'positive'],
    ['thanks a lot 😊', 'positive'],
    ['배송은 보통 며칠 걸려요?', 'neutral'],
    ['what is a closure', 'neutral'],
  ])('reads %j as %s', (text, label) => {
    expect(read(text).label).toBe(label);
  });

  it('turns a cue round after a negator or before a negating ending', () => {
    expect(read('고마워요').label).toBe('positive');
    expect(read('안 고마워요').label).toBe('negative');
    expect(read('not helpful at all').label).toBe('negative');
    expect(read('not very helpful').label).toBe('negative');
    expect(read('고맙지 않아').label).toBe('negative');
  });

  it('keeps a negator to the word it stands before', () => {
    expect(read('사이즈가 안 맞아요 교환해주세요').label).toBe('negative');
    expect(read('not sure, but thanks').label).toBe('positive');
  });

  it('lets an intensifier raise the intensity', () => {
    expect(read('너무 늦어요').intensity).toBeGreaterThan(read('늦어요').intensity);
    expect(read('really great').intensity).toBeGreaterThan(read('great').intensity);
    expect(read('감사합니다!!').intensity).toBeGreaterThan(read('감사합니다').intensity);
  });

  it('weighs tears of gratitude against the thanks', () => {
    expect(read('완전 도움 됐어 ㅠㅠ 고마워').label).toBe('positive');
  });

  it('counts nothing for a neutral cue that hides a shorter one', () => {
    expect(read('너 좋아하는 음식 뭐야').label).toBe('neutral');
    expect(read('좋아요').label).toBe('positive');
  });

  it('keeps intensity in [0, 1] and 0 for neutral', () => {
    expect(read('ㅠㅠ 최악 짜증 화나 정말 너무 실망 😡😡').intensity).toBe(1);
    expect(read('네').intensity).toBe(0);
  });
});
