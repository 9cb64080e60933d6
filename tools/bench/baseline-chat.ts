import { randomUUID } from 'node:crypto';
import type { Redis } from '#libs/redis';
import { encodingForModel, type Tiktoken } from 'js-tiktoken';
import OpenAI from 'openai';

/*
 * The origin design's synchronous multi-turn chat, ported faithfully as the benchmark's baseline:
 * the whole session is one JSON value in Redis, read and rewritten on every turn; every message is
 * re-tokenized on every turn (to trim the context to the budget, and again for the session's token
 * total), with tiktoken (js-tiktoken here); intent is the origin's keyword table with the most hits
 * winning; the reply is generated inside the caller's request. Its costs are the point: do not
 * optimise this file.
 */
const INTENT_KEYWORDS: Record<string, string[]> = {
  greeting: ['안녕', '반갑', '처음', 'hello', 'hi'],
  information_seeking: ['알려', '설명', '뭐야', '무엇', '어떻게', '왜'],
  task_execution: ['해줘', '만들어', '생성', '작성', '실행'],
  problem_solving: ['문제', '오류', '에러', '안돼', '도움'],
  ending: ['고마워', '감사', '잘가', '안녕히', 'bye'],
  casual_chat: ['재미있', '웃긴', '농담', '이야기'],
};

const STATE_PROMPTS: Record<string, string> = {
  greeting: '사용자와 처음 인사하는 단계입니다. 친근하게 인사하세요.',
  information_seeking: '사용자가 정보를 찾고 있습니다. 정확하고 유용한 정보를 제공하세요.',
  task_execution: '사용자가 작업을 요청했습니다. 단계별로 안내하세요.',
  problem_solving: '사용자가 문제를 해결하려 합니다. 체계적으로 접근하세요.',
  casual_chat: '가벼운 대화입니다. 자연스럽고 친근하게 대화하세요.',
  ending: '대화를 마무리하는 단계입니다. 정중하게 인사하세요.',
};

export interface BaselineMessage { role: 'user' | 'assistant'; content: string; timestamp: number; intent?: string }
export interface BaselineSession {
  session_id: string; user_id: string; messages: BaselineMessage[]; state: string; intent_history: string[];
  created_at: number; last_activity: number; total_tokens: number; turn_count: number;
}

export interface BaselineOptions { redis: Redis; llmBaseUrl: string; model: string; maxContextTokens: number; ttlSeconds: number; keyPrefix: string }

export function createBaselineChat(o: BaselineOptions) {
  const encoding: Tiktoken = encodingForModel(o.model as Parameters<typeof encodingForModel>[0]);
  const llm = new OpenAI({ apiKey: 'turnq-bench', baseURL: o.llmBaseUrl, maxRetries: 0 });
  const key = (id: string) => `${o.keyPrefix}session:${id}`;
  const countTokens = (text: string) => encoding.encode(text).length;

  function classifyIntent(text: string): string {
    const lower = text.toLowerCase();
    let best = 'casual_chat';
    let bestScore = 0;
    for (const [intent, words] of Object.entries(INTENT_KEYWORDS)) {
      const score = words.filter((w) => lower.includes(w)).length;
      if (score > bestScore) { best = intent; bestScore = score; }
    }
    return best;
  }

  /** Newest messages that fit the budget, all of them re-counted on every call. */
  function compressContext(messages: BaselineMessage[]): { kept: BaselineMessage[]; ratio: number } {
    const counts = messages.map((m) => countTokens(m.content));
    const total = counts.reduce((s, n) => s + n, 0);
    if (total <= o.maxContextTokens) return { kept: messages, ratio: 1 };
    let used = 0;
    let first = messages.length;
    while (first > 0 && used + counts[first - 1] <= o.maxContextTokens) used += counts[--first];
    return { kept: messages.slice(first), ratio: total ? used / total : 1 };
  }

  return {
    key,
    async createSession(userId: string): Promise<string> {
      const now = Date.now();
      const session: BaselineSession = {
        session_id: randomUUID(), user_id: userId, messages: [], state: 'greeting', intent_history: [],
        created_at: now, last_activity: now, total_tokens: 0, turn_count: 0,
      };
      await o.redis.set(key(session.session_id), JSON.stringify(session), 'EX', o.ttlSeconds);
      return session.session_id;
    },

    async processTurn(sessionId: string, userInput: string) {
      const started = performance.now();
      const raw = await o.redis.get(key(sessionId));
      if (!raw) return null;
      const session = JSON.parse(raw) as BaselineSession;
      const intent = classifyIntent(userInput);
      session.intent_history.push(intent);
      session.state = intent;
      session.messages.push({ role: 'user', content: userInput, timestamp: Date.now(), intent });
      const { kept, ratio } = compressContext(session.messages);
      const completion = await llm.chat.completions.create({
        model: o.model, max_tokens: 1000,
        messages: [{ role: 'system', content: STATE_PROMPTS[session.state] }, ...kept.map((m) => ({ role: m.role, content: m.content }))],
      });
      const reply = completion.choices[0]?.message?.content ?? '';
      session.messages.push({ role: 'assistant', content: reply, timestamp: Date.now() });
      session.total_tokens = session.messages.reduce((s, m) => s + countTokens(m.content), 0);
      session.turn_count += 1;
      session.last_activity = Date.now();
      await o.redis.set(key(sessionId), JSON.stringify(session), 'EX', o.ttlSeconds);
      return { response: reply, intent, state: session.state, tokens: session.total_tokens, compressionRatio: ratio, processingMs: performance.now() - started };
    },

    /** Appends `turns` finished turns straight into the session JSON, so long conversations cost no LLM calls to set up. */
    async prefill(sessionId: string, turns: Array<{ user: string; assistant: string }>): Promise<void> {
      const session = JSON.parse((await o.redis.get(key(sessionId)))!) as BaselineSession;
      for (const t of turns) {
        const intent = classifyIntent(t.user);
        session.messages.push({ role: 'user', content: t.user, timestamp: Date.now(), intent }, { role: 'assistant', content: t.assistant, timestamp: Date.now() });
        session.intent_history.push(intent);
        session.turn_count++;
      }
      session.total_tokens = session.messages.reduce((s, m) => s + countTokens(m.content), 0);
      await o.redis.set(key(sessionId), JSON.stringify(session), 'EX', o.ttlSeconds);
    },
  };
}

export type BaselineChat = ReturnType<typeof createBaselineChat>;
