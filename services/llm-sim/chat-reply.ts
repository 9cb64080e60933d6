import type { TokenCounter } from '#libs/tokens';
import { type Random, isMostlyKorean } from './seeded-random';

/*
 * Canned text that says what it is: nobody reading a log or a demo should mistake the simulator for a
 * model. The reply echoes a snippet of the user's message so different turns are easy to tell apart,
 * then adds filler sentences, each at most once.
 */
const EN = {
  intro: '[turnq LLM simulator] This is a canned reply from the turnq simulator, not an answer from a language model.',
  echo: (s: string) => `You wrote: "${s}".`,
  fillers: [
    'The simulator answers deterministically, so the same conversation always gets the same text.',
    'Its length is chosen from a hash of your last message, somewhere between 30 and 150 tokens.',
    'Use it to exercise queues, streaming, token budgets and failure handling without calling a real model.',
    'Nothing in this text reflects an understanding of your question.',
    'Set OPENAI_API_KEY (and OPENAI_BASE_URL if needed) to talk to a real model instead.',
    'Latency, streaming speed and error rates can be changed at run time through POST /_sim/config.',
    'Every request it receives is kept in a ring buffer that tests read back from GET /_sim/requests.',
    'This sentence is filler that makes the reply long enough to stream in several chunks.',
  ],
};

const KO = {
  intro: '[turnq LLM 시뮬레이터] 이 답변은 언어 모델이 아니라 turnq 시뮬레이터가 만든 고정 문장입니다.',
  echo: (s: string) => `보내신 메시지: "${s}"`,
  fillers: [
    '시뮬레이터는 같은 대화에 항상 같은 답을 돌려주도록 결정적으로 동작합니다.',
    '답변 길이는 마지막 메시지의 해시로 정해지며 대략 30에서 150 토큰 사이입니다.',
    '실제 모델을 호출하지 않고 큐, 스트리밍, 토큰 예산, 장애 처리를 시험할 때 씁니다.',
    '이 문장은 질문의 내용을 이해하고 쓴 것이 아닙니다.',
    '실제 모델과 대화하려면 OPENAI_API_KEY(필요하면 OPENAI_BASE_URL도)를 설정하세요.',
    '지연 시간, 스트리밍 속도, 오류 비율은 POST /_sim/config로 실행 중에 바꿀 수 있습니다.',
    '받은 요청은 모두 링 버퍼에 남아 GET /_sim/requests로 확인할 수 있습니다.',
    '이 문장은 답변을 여러 조각으로 스트리밍할 만큼 길게 만드는 채움 문장입니다.',
  ],
};

export const MIN_REPLY_TOKENS = 30;
export const MAX_REPLY_TOKENS = 150;
const ECHO_CHARS = 40;

/** A canned chat reply of MIN..MAX_REPLY_TOKENS tokens (in `counter`'s encoding), in the user's language. */
export function chatReply(lastUserText: string, counter: TokenCounter, random: Random): string {
  const lang = isMostlyKorean(lastUserText) ? KO : EN;
  const target = MIN_REPLY_TOKENS + Math.floor(random() * (MAX_REPLY_TOKENS - MIN_REPLY_TOKENS + 1));
  const parts = [lang.intro];
  const snippet = snippetOf(lastUserText, ECHO_CHARS);
  if (snippet) parts.push(lang.echo(snippet));
  let tokens = counter.count(parts.join(' '));
  // Each filler at most once, in a seeded order: a reply never says the same sentence twice.
  for (const next of shuffled(lang.fillers, random)) {
    if (tokens >= target) break;
    const added = counter.count(` ${next}`);
    if (tokens + added > MAX_REPLY_TOKENS) break;
    parts.push(next);
    tokens += added;
  }
  return parts.join(' ');
}

/** Fisher–Yates with the seeded generator: the same message always gets the same order. */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The first `maxChars` characters (not UTF-16 units) of `text` on one line, marked when cut. */
export function snippetOf(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length <= maxChars ? flat : `${chars.slice(0, maxChars).join('')}…`;
}
