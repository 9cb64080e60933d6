import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvalSet } from './read-eval-set';

describe('readEvalSet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turnq-eval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.tsv`);
    writeFileSync(path, text);
    return path;
  };

  it('reads labelled lines and skips comments and blank lines', () => {
    const rows = readEvalSet(file('# split: dev\n\nending\tpositive\t감사합니다\nunknown\tneutral\t?\n'));
    expect(rows).toEqual([
      { intent: 'ending', sentiment: 'positive', text: '감사합니다', line: 3 },
      { intent: 'unknown', sentiment: 'neutral', text: '?', line: 4 },
    ]);
  });

  it.each([
    ['an unknown intent', 'smalltalk\tneutral\thi', /unknown intent label "smalltalk"/],
    ['an unknown sentiment', 'greeting\thappy\thi', /unknown sentiment label "happy"/],
    ['a missing column', 'greeting\tneutral', /expected intent<TAB>sentiment<TAB>utterance/],
    ['an extra column', 'greeting\tneutral\thi\tx', /expected intent<TAB>sentiment<TAB>utterance/],
  ])('stops at %s, naming the line', (_case, text, message) => {
    const path = file(`# c\n${text}\n`);
    expect(() => readEvalSet(path)).toThrow(message);
    expect(() => readEvalSet(path)).toThrow(`${path}:2`);
  });
});
