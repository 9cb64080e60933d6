import { compileCues, findCues, lineForCues, normalizeText } from './match-cues';

const found = (cue: string, text: string) =>
  findCues(normalizeText(text), compileCues([{ label: 'x', text: cue }])).map((m) => normalizeText(text).slice(m.start, m.end));

describe('findCues', () => {
  it.each([
    ['crash', 'My app keeps crashing', 'crashing'],
    ['crash', 'it crashed twice', 'crashed'],
    ['crash', 'crashes on start', 'crashes'],
    ['create', 'creating a table', 'creating'],
    ['freeze', 'keeps freezing', 'freezing'],
    ['drop', 'wifi keeps dropping', 'dropping'],
    ['refund', 'two refunds', 'refunds'],
    ['reply', 'nobody replied', 'replied'],
    ['not helpful', 'not helpful at all', 'not helpful'],
  ])('finds %j in %j as %j', (cue, text, form) => {
    expect(found(cue, text)).toEqual([form]);
  });

  it.each([
    ['hi', 'this is his'],
    ['bye', 'the byes'],
    ['crash', 'crashcourse'],
    ['late', 'translate'],
  ])('does not find %j inside the words of %j', (cue, text) => {
    expect(found(cue, text)).toEqual([]);
  });

  it('finds a Korean stem inside a word and every occurrence', () => {
    expect(found('환불', '환불해주세요 환불!')).toEqual(['환불', '환불']);
  });
});

describe('lineForCues', () => {
  it('keeps a short line whole and reads a long paste by its opening and its end', () => {
    expect(lineForCues('Hello  World')).toBe('hello world');
    const line = lineForCues(`START ${'x'.repeat(30_000)} why does this FAIL?`);
    expect(line.length).toBeLessThanOrEqual(1501);
    expect(line.startsWith('start ')).toBe(true);
    expect(line.endsWith('why does this fail?')).toBe(true);
  });
});
