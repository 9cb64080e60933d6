import { client } from '../http-client';
import type { Stack } from '../start-stack';

/**
 * Stack settings that make every path of a turn show up in a few seconds: a 400-token budget with two
 * kept messages summarizes after about three turns of a session; two attempts with a short backoff make
 * a failing LLM end a turn as failed (after one retry) in well under a second.
 */
export const observabilityEnv: Record<string, string> = {
  TURNQ_MAX_CONTEXT_TOKENS: '400',
  TURNQ_SUMMARY_KEEP_MESSAGES: '2',
  TURNQ_MAX_REPLY_TOKENS: '60',
  TURNQ_SUMMARY_MAX_TOKENS: '60',
  TURNQ_JOB_ATTEMPTS: '2',
  TURNQ_JOB_BACKOFF_MS: '100',
  LLM_SIM_LATENCY_MS: '20',
  LLM_SIM_TOKENS_PER_SECOND: '2000',
};

/** Keyword-path turns (no LLM call to classify) and turns no keyword matches (LLM classifier). */
const keywordTurns = [
  // the user states a fact: the memory worker keeps it, and that user's later turns recall it
  '안녕하세요, 처음 왔어요. 제 이름은 김민수예요. 오늘 배울 내용을 간단히 소개해 주세요.',
  'Python으로 웹 크롤러를 어떻게 만드는지 단계별로 설명해 주세요, 예외 처리와 재시도도 포함해서.',
  '크롤러가 자꾸 타임아웃 오류를 내요. 문제를 찾는 데 도움이 필요해요.',
  '수집한 결과를 CSV 파일로 저장하는 스크립트를 작성해줘, 컬럼은 제목과 URL과 날짜로.',
];
export const classifierTurns = [
  'The lighthouse keeper counted seventeen ships passing before the fog rolled over the northern cliffs.',
  'Marmalade, orange peel and a quiet afternoon by the canal with the old radio playing jazz standards.',
];

export interface LoadResult {
  statuses: string[];
  intentMethods: string[];
}

/** Changes the simulator's knobs at run time (POST /_sim/config). */
export async function simConfig(stack: Stack, knobs: Record<string, number>): Promise<void> {
  const res = await fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });
  if (!res.ok) throw new Error(`simulator config ${JSON.stringify(knobs)}: ${res.status} ${await res.text()}`);
}

/**
 * The load both observability tests scrape: first one turn while the LLM answers only 500s (an LLM
 * error, a job retry, a failed turn), then one turn the classifier answers with bad JSON (the intent
 * fallback path), then `sessions` sessions of `turnsPerSession` turns each, mixing keyword and
 * classifier turns, their starts spread over `spreadMs` so that rates are seen across many scrapes.
 * Load sessions have a user, so the memory worker extracts and later turns recall.
 * Faults are set one at a time with nothing else in flight, so each hits only its own turn.
 */
export async function driveLoad(stack: Stack, opts: { sessions: number; turnsPerSession: number; spreadMs: number }): Promise<LoadResult> {
  const api = client(stack.baseUrl);
  const result: LoadResult = { statuses: [], intentMethods: [] };
  const turn = async (sessionId: string, content: string) => {
    const t = await api.submit(sessionId, content, '?wait=30');
    const ended = t.status === 200 ? t.json : await api.waitTurn(t.json.turnId);
    result.statuses.push(ended.status);
    if (ended.intent) result.intentMethods.push(ended.intent.method);
  };

  try {
    await simConfig(stack, { failRate: 1 });
    await turn((await api.session()).id, keywordTurns[0]);
    await simConfig(stack, { failRate: 0, badJsonRate: 1 });
    await turn((await api.session()).id, classifierTurns[0]);
  } finally {
    await simConfig(stack, { failRate: 0, badJsonRate: 0 });
  }

  const step = opts.turnsPerSession > 1 ? opts.spreadMs / (opts.turnsPerSession - 1) : 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: opts.sessions }, async (_, s) => {
    const { id } = await api.session({ systemPrompt: 'You are a concise tutor.', userId: `load-user-${s}` });
    for (let k = 0; k < opts.turnsPerSession; k++) {
      const due = started + k * step + (s * step) / opts.sessions;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const pool = (k + s) % 3 === 2 ? classifierTurns : keywordTurns;
      await turn(id, pool[(k + s) % pool.length]);
    }
  }));
  return result;
}
