import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyByKeywords } from './classify-by-keywords';
import { CONVERSATION_STATES } from './intent-labels';
import { IntentTablesError, loadIntentTables } from './load-intent-tables';

const ORIGIN: Record<string, string[]> = {
  greeting: ['안녕', '반갑', '처음', 'hello', 'hi'],
  information_seeking: ['알려', '설명', '뭐야', '무엇', '어떻게', '왜'],
  task_execution: ['해줘', '만들어', '생성', '작성', '실행'],
  problem_solving: ['문제', '오류', '에러', '안돼', '도움'],
  ending: ['고마워', '감사', '잘가', '안녕히', 'bye'],
  casual_chat: ['재미있', '웃긴', '농담', '이야기'],
};

describe('loadIntentTables', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'turnq-intent-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('knows at least the origin keywords and a prompt per state', () => {
    const tables = loadIntentTables();
    for (const [label, keywords] of Object.entries(ORIGIN)) {
      expect(tables.labels[label as keyof typeof tables.labels].keywords).toEqual(expect.arrayContaining(keywords));
    }
    for (const state of CONVERSATION_STATES) expect(tables.prompts[state].length).toBeGreaterThan(0);
  });

  it('has both tone instructions and lets the override file replace one', () => {
    expect(loadIntentTables().tones.negative).toMatch(/apologise once/);
    const path = file('tones.json', { tones: { negative_run: 'Be brief. Offer a human.' } });
    const tables = loadIntentTables(path);
    expect(tables.tones.negative_run).toBe('Be brief. Offer a human.');
    expect(tables.tones.negative).toBe(loadIntentTables().tones.negative);
    expect(() => loadIntentTables(file('bad-tone.json', { tones: { angry: 'x' } }))).toThrow(/tones/);
  });

  it('extends keyword lists and replaces prompts from the override file', () => {
    const path = file('ok.json', {
      labels: { casual_chat: { keywords: ['야구', '농담'] }, ending: { phrases: ['catch you later'] } },
      prompts: { greeting: 'Say hi like a pirate.' },
    });
    const tables = loadIntentTables(path);
    const defaults = loadIntentTables();
    expect(tables.labels.casual_chat.keywords).toEqual([...defaults.labels.casual_chat.keywords, '야구']);
    expect(tables.labels.ending.phrases).toContain('catch you later');
    expect(tables.labels.greeting.keywords).toEqual(defaults.labels.greeting.keywords);
    expect(tables.prompts.greeting).toBe('Say hi like a pirate.');
    expect(tables.prompts.ending).toBe(defaults.prompts.ending);
    expect(classifyByKeywords('어제 야구 봤어?', tables)?.label).toBe('casual_chat');
  });

  it('does not let an override leak into the defaults', () => {
    loadIntentTables(file('leak.json', { labels: { greeting: { keywords: ['ahoy'] } } }));
    expect(loadIntentTables().labels.greeting.keywords).not.toContain('ahoy');
  });

  it.each([
    ['a misspelt field', 'typo.json', { labels: { greeting: { keywrods: ['x'] } } }, /typo\.json.*labels\.greeting.*keywrods/],
    ['an unknown label', 'label.json', { labels: { smalltalk: { keywords: ['x'] } } }, /label\.json.*labels.*smalltalk/],
    ['a keyword of the wrong type', 'type.json', { labels: { ending: { keywords: ['ok', 7] } } }, /type\.json.*labels\.ending\.keywords\.1/],
    ['an empty prompt', 'prompt.json', { prompts: { ending: '' } }, /prompt\.json.*prompts\.ending/],
    ['broken JSON', 'syntax.json', '{"labels": ', /syntax\.json.*not valid JSON/],
  ])('names the file and the field for %s', (_case, name, content, message) => {
    const path = file(name, content);
    expect(() => loadIntentTables(path)).toThrow(IntentTablesError);
    expect(() => loadIntentTables(path)).toThrow(message);
  });

  it('names a file that does not exist', () => {
    expect(() => loadIntentTables(join(dir, 'missing.json'))).toThrow(/missing\.json.*cannot be read/);
  });
});
