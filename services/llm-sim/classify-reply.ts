import { type Random, hashText, pick } from './seeded-random';

/*
 * A classification answer may only use labels the request offered, so a worker's parser sees the same
 * closed set it would see from a model. The labels come from, in order: the enum of `label` in a
 * json_schema response format; turnq's own intent labels named in the prompt; a "labels: a, b, c" line.
 */
const KNOWN_LABELS = ['greeting', 'information_seeking', 'task_execution', 'problem_solving', 'casual_chat', 'ending', 'unknown'];

/* The contract's origin keyword table plus English cousins; the longest match wins, as in the gateway. */
const KEYWORDS: ReadonlyArray<[string, string]> = [
  ['안녕히', 'ending'], ['고마워', 'ending'], ['감사', 'ending'], ['잘가', 'ending'], ['bye', 'ending'], ['thank', 'ending'],
  ['안녕', 'greeting'], ['반갑', 'greeting'], ['처음', 'greeting'], ['hello', 'greeting'], ['hi', 'greeting'],
  ['알려', 'information_seeking'], ['설명', 'information_seeking'], ['뭐야', 'information_seeking'], ['무엇', 'information_seeking'],
  ['어떻게', 'information_seeking'], ['왜', 'information_seeking'], ['explain', 'information_seeking'], ['what is', 'information_seeking'],
  ['해줘', 'task_execution'], ['만들어', 'task_execution'], ['생성', 'task_execution'], ['작성', 'task_execution'], ['실행', 'task_execution'],
  ['write', 'task_execution'], ['create', 'task_execution'],
  ['문제', 'problem_solving'], ['오류', 'problem_solving'], ['에러', 'problem_solving'], ['안돼', 'problem_solving'], ['도움', 'problem_solving'],
  ['error', 'problem_solving'], ['fail', 'problem_solving'],
  ['재미있', 'casual_chat'], ['웃긴', 'casual_chat'], ['농담', 'casual_chat'], ['이야기', 'casual_chat'], ['joke', 'casual_chat'],
];

export function looksLikeClassification(systemText: string): boolean {
  return /classif|intent|categor|분류|의도/i.test(systemText);
}

export function offeredLabels(systemText: string, jsonSchema: Record<string, unknown> | null): string[] {
  const fromSchema = schemaLabelEnum(jsonSchema);
  if (fromSchema.length > 0) return fromSchema;
  const known = KNOWN_LABELS.filter((l) => new RegExp(`(^|[^\\w])${l}([^\\w]|$)`).test(systemText));
  if (known.length > 0) return known;
  const line = /labels?\s*[:：]\s*([^\n]+)/i.exec(systemText);
  if (!line) return [];
  return line[1]
    .split(/[,|/]|\s+or\s+/)
    .map((s) => s.trim().replace(/^[\s"'`*\-[(]+|[\s"'`*.\])]+$/g, ''))
    .filter((s) => /^[\p{L}_][\p{L}\p{N}_-]*$/u.test(s));
}

function schemaLabelEnum(schema: Record<string, unknown> | null): string[] {
  const props = schema?.properties as Record<string, { enum?: unknown }> | undefined;
  const values = props?.label?.enum;
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
}

export interface Classification {
  label: string;
  confidence: number;
}

/** Keyword match when it names an offered label, else a hash-picked offered label with lower confidence. */
export function classify(userText: string, labels: readonly string[], random: Random): Classification {
  const lower = userText.toLowerCase();
  let best: [string, string] | null = null;
  for (const entry of KEYWORDS) {
    if (!labels.includes(entry[1]) || !containsKeyword(lower, entry[0])) continue;
    if (!best || entry[0].length > best[0].length) best = entry;
  }
  if (best) return { label: best[1], confidence: 0.9 };
  const candidates = labels.length > 1 ? labels.filter((l) => l !== 'unknown') : labels;
  const label = pick(candidates.length > 0 ? candidates : labels, random);
  return { label, confidence: (50 + (hashText(userText) % 36)) / 100 };
}

/*
 * Korean keywords are stems that match inside words (감사 in 감사합니다). Latin ones match at a word start
 * (thank → thanks), and short ones only as whole words ("hi" is not in "this" or "his").
 */
function containsKeyword(text: string, keyword: string): boolean {
  if (!/^[a-z ]+$/.test(keyword)) return text.includes(keyword);
  const end = keyword.length <= 3 ? '([^a-z]|$)' : '';
  return new RegExp(`(^|[^a-z])${keyword}${end}`).test(text);
}

/* turnq asks for the user's sentiment in the same classification call (libs/intent/llm-classification.ts). */
export function asksForSentiment(systemText: string): boolean {
  return /sentiment/i.test(systemText);
}

const NEGATIVE = /ㅠ|ㅜ|짜증|화나|최악|늦|안 ?와|안 ?돼|꺼져|환불|고장|not helpful|terrible|worst|crash|refund|broken|angry|hate|😭|😡/i;
const POSITIVE = /감사|고마|ㅋㅋ|ㅎㅎ|좋아|최고|thank|great|awesome|love|lol|haha|😊|👍/i;

/** A canned reading: complaint words before thanks, so "감사한데 아직 안 와요" stays negative. */
export function sentimentOf(userText: string): { sentiment: 'negative' | 'neutral' | 'positive'; intensity: number } {
  if (NEGATIVE.test(userText)) return { sentiment: 'negative', intensity: 0.7 };
  if (POSITIVE.test(userText)) return { sentiment: 'positive', intensity: 0.6 };
  return { sentiment: 'neutral', intensity: 0 };
}
