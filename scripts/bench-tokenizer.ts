/**
 * Measures the two tokenizer libraries on the text turnq actually sees (Korean, English, mixed with
 * code and emoji): encoder build time in a fresh process, and µs per token when counting.
 * Run: `npx tsc -p tsconfig.build.json && node dist/scripts/bench-tokenizer.js` (needs devDependencies:
 * js-tiktoken is only the reference here). Results go to docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

type Lib = 'gpt-tokenizer' | 'gpt-tokenizer-nocache' | 'js-tiktoken';
type Enc = 'o200k_base' | 'cl100k_base';
type Count = (text: string) => number;

// The no-cache row shows gpt-tokenizer's speed without its merge cache, i.e. on text it has never seen.
const LIBS: Lib[] = ['gpt-tokenizer', 'gpt-tokenizer-nocache', 'js-tiktoken'];
const ENCODINGS: Enc[] = ['o200k_base', 'cl100k_base'];

function load(lib: Lib, enc: Enc): Count {
  if (lib !== 'js-tiktoken') {
    const api = enc === 'o200k_base' ? require('gpt-tokenizer/encoding/o200k_base') : require('gpt-tokenizer/encoding/cl100k_base');
    api.setMergeCacheSize(lib === 'gpt-tokenizer' ? api.DEFAULT_MERGE_CACHE_SIZE : 0);
    const opts = { disallowedSpecial: new Set<string>() };
    return (text) => api.countTokens(text, opts);
  }
  const { Tiktoken } = require('js-tiktoken/lite');
  const ranks = enc === 'o200k_base' ? require('js-tiktoken/ranks/o200k_base') : require('js-tiktoken/ranks/cl100k_base');
  // The rank modules are plain CommonJS (`module.exports = {...}`), so there is no `.default` here.
  const tiktoken = new Tiktoken(ranks);
  return (text) => tiktoken.encode(text, [], []).length;
}

const KO = [
  '안녕하세요, 오늘 서울 날씨가 어떤지 알려주실 수 있나요?',
  '지난주에 주문한 상품이 아직 도착하지 않았는데 배송 조회를 부탁드립니다.',
  '회의록을 세 줄로 요약해 주시고, 다음 주 일정도 함께 정리해 주세요.',
  '로그인할 때마다 오류 코드 502가 나오는데 어떻게 해결하면 좋을까요?',
  '이 문장은 한국어 토큰화 성능을 측정하기 위한 예시 문장입니다.',
  '감사합니다. 덕분에 문제가 해결되었어요. 안녕히 계세요!',
  '데이터베이스 마이그레이션 중에 외래 키 제약 조건 때문에 실패했습니다.',
  '재미있는 이야기 하나 들려줄래? 요즘 너무 심심해서 그래.',
];
const EN = [
  'Could you explain how the rolling summary keeps the prompt within the token budget?',
  'The deployment failed again with a timeout while pulling the container image.',
  'Please write a short email to the team announcing the release on Friday afternoon.',
  'Thanks a lot, that fixed it. Have a great weekend!',
  'What is the difference between at-least-once and exactly-once delivery in a queue?',
  'Summarize the last three meetings and list the open action items by owner.',
];
const MIXED = [
  '```ts\nconst total = items.reduce((sum, x) => sum + x.price * x.qty, 0);\n```',
  '배포 로그: `Error: ECONNREFUSED 127.0.0.1:6379` 🙁 Redis가 꺼져 있나요?',
  '좋아요 👍🏻🎉 내일 10:30에 team-sync 회의에서 봬요 (Zoom ID 123-456-789).',
  'JSON 예시: {"label": "task_execution", "confidence": 0.87} — 이렇게 나오면 됩니다 ✅',
];

/** A deterministic corpus of distinct messages, so caches see realistic, not identical, input. */
function corpus(pool: string[], messages: number, seed: number): string[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out: string[] = [];
  for (let i = 0; i < messages; i++) {
    const parts: string[] = [];
    const n = 2 + Math.floor(rand() * 6);
    for (let j = 0; j < n; j++) parts.push(pool[Math.floor(rand() * pool.length)], String(Math.floor(rand() * 10000)));
    out.push(parts.join(' '));
  }
  return out;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Child mode: one fresh process per measurement, so module loading and rank parsing are counted. */
function measureBuild(lib: Lib, enc: Enc): void {
  const t0 = performance.now();
  load(lib, enc)('warm up the encoder');
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }));
}

function buildMs(lib: Lib, enc: Enc): number {
  const runs = [0, 1, 2].map(() => {
    const out = execFileSync(process.execPath, [__filename, '--build', lib, enc], { encoding: 'utf8' });
    return (JSON.parse(out) as { ms: number }).ms;
  });
  return median(runs);
}

function usPerToken(count: Count, texts: string[]): { us: number; tokens: number } {
  let tokens = 0;
  for (const t of texts.slice(0, 200)) tokens += count(t);
  const times: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    tokens = 0;
    const t0 = performance.now();
    for (const t of texts) tokens += count(t);
    times.push(performance.now() - t0);
  }
  return { us: (median(times) * 1000) / tokens, tokens };
}

function main(): void {
  const sets = { korean: corpus(KO, 1500, 1), english: corpus(EN, 1500, 2), mixed: corpus([...KO, ...EN, ...MIXED], 1500, 3) };
  const rows: string[] = ['| library | encoding | build ms | korean µs/token | english µs/token | mixed µs/token | tokens (ko/en/mixed) |', '|---|---|---|---|---|---|---|'];
  for (const enc of ENCODINGS) {
    for (const lib of LIBS) {
      const count = load(lib, enc);
      const r = Object.values(sets).map((texts) => usPerToken(count, texts));
      rows.push(`| ${lib} | ${enc} | ${buildMs(lib, enc).toFixed(0)} | ${r.map((x) => x.us.toFixed(2)).join(' | ')} | ${r.map((x) => x.tokens).join(' / ')} |`);
    }
  }
  console.log(`node ${process.version}, ${process.platform}/${process.arch}\n${rows.join('\n')}`);
}

if (process.argv[2] === '--build') measureBuild(process.argv[3] as Lib, process.argv[4] as Enc);
else main();
