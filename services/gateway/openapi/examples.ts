/**
 * Example values of the reference, in Korean and English. A request example and the response example
 * that answers it share a name (`korean` → 202 `korean`), which is how test/api/openapi-examples.test.ts
 * knows what status to expect when it sends each documented request to a running stack.
 */
const R = '7Kq2Vx9LmB4nR8tY1pZc';
const SID = `ses_${R}`;
const at = (s: number) => new Date(Date.UTC(2026, 0, 15, 9, 30, s)).toISOString();

export const ids = { session: SID, turn: `trn_${R}_1`, unknownSession: 'ses_0000000000000000000a', unknownTurn: 'trn_0000000000000000000a_1' };

export const session = {
  id: SID, userId: 'user-42', state: 'information_seeking',
  stateHistory: [{ from: 'greeting', to: 'information_seeking', turnId: `trn_${R}_2`, at: at(14) }],
  messageCount: 4, totalTokens: 212, summary: null, pendingTurns: 0, metadata: { channel: 'web', 언어: '한국어' }, memory: true,
  systemPrompt: '당신은 친절한 상담원입니다.', createdAt: at(0), lastActivityAt: at(14), expiresAt: new Date(Date.UTC(2026, 0, 15, 10, 30, 14)).toISOString(),
};

export const newSession = { ...session, state: 'greeting', stateHistory: [], messageCount: 0, totalTokens: 0, lastActivityAt: at(0), expiresAt: new Date(Date.UTC(2026, 0, 15, 10, 30, 0)).toISOString() };

const turnBase = { turnId: ids.turn, sessionId: SID, seq: 1, stage: null, intent: null, sentiment: null, state: null, response: null, usage: null, context: null, timings: null, error: null, model: null, startedAt: null, completedAt: null };

export const queuedTurn = { ...turnBase, status: 'queued', input: 'Explain how a message queue works, step by step.', createdAt: at(1) };

export const completedTurn = {
  ...turnBase, status: 'completed', input: '안녕하세요! 처음 뵙겠습니다.',
  intent: { label: 'greeting', confidence: 1, method: 'keyword' }, sentiment: { label: 'positive', intensity: 0.33, method: 'keyword' },
  state: { from: 'greeting', to: 'greeting' },
  response: '안녕하세요! 만나서 반갑습니다. 무엇을 도와드릴까요?',
  usage: { promptTokens: 61, completionTokens: 17, totalTokens: 78 },
  context: { originalTokens: 61, keptTokens: 61, compressionRatio: 1, messagesTotal: 0, messagesKept: 0, summaryUsed: false, tone: null, memories: 0 },
  timings: { queuedMs: 4, intentMs: 2, responseMs: 412, totalMs: 418 }, model: 'gpt-4o-mini',
  createdAt: at(1), startedAt: at(1), completedAt: at(2),
};

export const cancelledTurn = { ...queuedTurn, seq: 2, turnId: `trn_${R}_2`, status: 'cancelled', completedAt: at(3) };

export const messagePage = {
  messages: [
    { id: `msg_${R}_1`, turnId: ids.turn, role: 'user', content: '안녕하세요! 처음 뵙겠습니다.', tokens: 12, createdAt: at(1), summarized: false },
    { id: `msg_${R}_2`, turnId: ids.turn, role: 'assistant', content: '안녕하세요! 만나서 반갑습니다. 무엇을 도와드릴까요?', tokens: 17, createdAt: at(2), summarized: false },
  ],
  nextBefore: null,
};

/** Memories of user-42, added by hand (sourceTurnId null) and extracted from a turn. */
export const memoryIds = { korean: `mem_${R}`, english: `mem_${R.split('').reverse().join('')}`, unknownMemory: 'mem_0000000000000000000a' };

export const koreanMemory = {
  id: memoryIds.korean, userId: 'user-42', text: '매운 음식을 잘 못 먹는다.', kind: 'preference',
  createdAt: at(20), updatedAt: at(20), sourceTurnId: null, supersedes: [],
};

export const englishMemory = {
  id: memoryIds.english, userId: 'user-42', text: 'Works night shifts as a nurse.', kind: 'profile',
  createdAt: at(21), updatedAt: at(21), sourceTurnId: null, supersedes: [],
};

export const memoryPage = {
  memories: [
    englishMemory,
    { ...koreanMemory, text: '부산에 산다.', kind: 'fact', sourceTurnId: ids.turn, updatedAt: at(22), supersedes: [{ text: '서울에 산다.', until: at(22) }] },
  ],
  nextBefore: null,
};

export const problem = (status: number, title: string, detail: string) => ({ type: 'about:blank', title, status, detail });

export const sseStream = [
  'id: 1\nevent: status\ndata: {"status":"queued","stage":null}\n',
  'id: 2\nevent: status\ndata: {"status":"running","stage":"intent"}\n',
  'id: 3\nevent: status\ndata: {"status":"running","stage":"response"}\n',
  'id: 4\nevent: delta\ndata: {"text":"안녕하세요! 만나서 "}\n',
  'id: 5\nevent: delta\ndata: {"text":"반갑습니다. 무엇을 도와드릴까요?"}\n',
  `id: 6\nevent: done\ndata: ${JSON.stringify(completedTurn)}\n`,
].join('\n');

export const chatCompletion = {
  id: `chatcmpl-${ids.turn}`, object: 'chat.completion', created: 1768469401, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 }, system_fingerprint: null,
  turnq: { sessionId: SID, turnId: ids.turn, seq: 1, intent: { label: 'greeting', confidence: 1, method: 'keyword' }, state: { from: 'greeting', to: 'greeting' },
    context: completedTurn.context, timings: completedTurn.timings },
};

export const chunkStream = [
  `data: {"id":"chatcmpl-${ids.turn}","object":"chat.completion.chunk","created":1768469401,"model":"gpt-4o-mini","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n`,
  `data: {"id":"chatcmpl-${ids.turn}","object":"chat.completion.chunk","created":1768469401,"model":"gpt-4o-mini","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"Hello!"},"logprobs":null,"finish_reason":null}]}\n`,
  `data: {"id":"chatcmpl-${ids.turn}","object":"chat.completion.chunk","created":1768469401,"model":"gpt-4o-mini","system_fingerprint":null,"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n`,
  'data: [DONE]\n',
].join('\n');

export const models = { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1768469400, owned_by: 'turnq' }] };
export const openAiError = (message: string, param: string | null, code: string) => ({ error: { message, type: 'invalid_request_error', param, code } });
