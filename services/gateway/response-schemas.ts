import { z } from 'zod';
import { INTENT_STATES } from '#libs/session';

/**
 * The response side of the HTTP API as zod schemas: the OpenAPI document's components are generated
 * from these, and test/api/openapi-examples.test.ts validates real answers against that document with
 * unknown fields refused. So a field added to a Turn or Session must be added here too, or that test
 * says which one is missing. Extend by adding fields; keep a field's meaning in its description.
 */

const time = z.iso.datetime().meta({ description: 'ISO-8601 time, UTC.' });
const count = z.int().min(0);
const label = z.enum(INTENT_STATES);

const stateChange = z.object({ from: label, to: label, turnId: z.string(), at: time });

export const session = z.object({
  id: z.string().meta({ description: 'Starts with `ses_`; every id under the session embeds it.' }),
  userId: z.string().nullable(),
  state: label.meta({ description: 'Conversation state: follows each turn\'s intent; `unknown` keeps it. Starts as `greeting`.' }),
  stateHistory: z.array(stateChange).meta({ description: 'One entry per change of state, oldest first.' }),
  messageCount: count,
  totalTokens: count.meta({ description: 'Tokens of every stored message, counted with the reply model\'s tokenizer.' }),
  summary: z.object({ text: z.string(), tokens: count, coversMessages: count.meta({ description: 'The oldest this many messages are folded into the summary.' }) }).nullable(),
  pendingTurns: count.meta({ description: 'Queued turns, not counting the running one.' }),
  metadata: z.record(z.string(), z.string()),
  memory: z.boolean().meta({ description: 'Whether the turns feed and use the user\'s long-term memory: a userId, and not created with "memory": false.' }),
  systemPrompt: z.string().nullable(),
  createdAt: time,
  lastActivityAt: time,
  expiresAt: time.nullable().meta({ description: 'When the session expires if nothing happens; null with TURNQ_SESSION_TTL_SECONDS=0.' }),
});

export const message = z.object({
  id: z.string(),
  turnId: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  tokens: count,
  createdAt: time,
  summarized: z.boolean().meta({ description: 'True once a stored summary covers it; it then stays out of later prompts.' }),
});

export const memory = z.object({
  id: z.string().meta({ description: 'Starts with `mem_`.' }),
  userId: z.string(),
  text: z.string(),
  kind: z.enum(['profile', 'preference', 'fact']),
  createdAt: time,
  updatedAt: time,
  sourceTurnId: z.string().nullable().meta({ description: 'The turn it was extracted from (or last updated by); null when added by hand.' }),
  supersedes: z.array(z.object({ text: z.string(), until: time })).meta({ description: 'What it said before, oldest first, each with when it stopped being true.' }),
});

export const memoryPage = z.object({
  memories: z.array(memory).meta({ description: 'Newest first.' }),
  nextBefore: z.string().nullable().meta({ description: 'Pass as `before` for the older page; null on the last page.' }),
});

export const messagePage = z.object({
  messages: z.array(message).meta({ description: 'Oldest first within the page.' }),
  nextBefore: z.string().nullable().meta({ description: 'Pass as `before` for the older page; null when this page holds the oldest message.' }),
});

const turnStatus = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
const turnStage = z.enum(['intent', 'response']).nullable();

export const turn = z.object({
  turnId: z.string(),
  sessionId: z.string(),
  seq: z.int().min(1).meta({ description: 'The turn\'s place in its session, from 1 in submission order.' }),
  status: turnStatus,
  stage: turnStage.meta({ description: 'The stage a running turn is in; null otherwise.' }),
  input: z.string(),
  intent: z.object({ label, confidence: z.number().min(0).max(1), method: z.enum(['keyword', 'llm', 'fallback']) }).nullable(),
  sentiment: z.object({
    label: z.enum(['negative', 'neutral', 'positive']),
    intensity: z.number().min(0).max(1),
    method: z.enum(['keyword', 'llm', 'fallback']).meta({ description: 'keyword: the lexicon; llm: the same call as the intent; fallback: the lexicon after the model gave none.' }),
  }).nullable().meta({ description: 'The user\'s sentiment, read with the intent; null until the intent stage ran.' }),
  state: z.object({ from: label, to: label }).nullable().meta({ description: 'The session\'s state before and after this turn.' }),
  response: z.string().nullable().meta({ description: 'The reply; null until the turn completes (the text in progress travels on the event stream).' }),
  usage: z.object({ promptTokens: count, completionTokens: count, totalTokens: count }).nullable(),
  context: z.object({
    originalTokens: count, keptTokens: count, compressionRatio: z.number().min(0),
    messagesTotal: count, messagesKept: count, summaryUsed: z.boolean(),
    tone: z.object({ instruction: z.enum(['negative', 'negative_run']), negativeRun: z.int().min(1) }).nullable().optional()
      .meta({ description: 'The tone instruction added after the state prompt for a negative turn (a run: two or more in a row); null when none.' }),
    memories: count.meta({ description: 'Long-term memories of the user placed in the prompt.' }),
  }).nullable().meta({ description: 'How the prompt was fitted into TURNQ_MAX_CONTEXT_TOKENS.' }),
  timings: z.object({ queuedMs: z.number(), intentMs: z.number(), responseMs: z.number(), totalMs: z.number() }).nullable(),
  error: z.object({
    code: z.string().meta({ description: 'llm_quota (the provider says the account cannot be served, e.g. 429 insufficient_quota; not retried), llm_rate_limited (the provider kept rate limiting past TURNQ_LLM_RATE_LIMIT_MAX_WAIT_MS), llm_timeout, llm_connection, llm_server, llm_auth, llm_bad_request, llm_bad_output, context_overflow, job_failed or internal.' }),
    message: z.string(),
  }).nullable().meta({ description: 'Why a failed turn failed.' }),
  model: z.string().nullable().meta({ description: 'The model that replied.' }),
  createdAt: time,
  startedAt: time.nullable(),
  completedAt: time.nullable().meta({ description: 'When the turn ended, whichever way.' }),
});

/** RFC 9457. `type` is about:blank: the status code carries the meaning and `detail` names the field. */
export const problem = z.object({
  type: z.literal('about:blank'),
  title: z.string().meta({ description: 'The status code\'s reason phrase.' }),
  status: z.int().min(400).max(599),
  detail: z.string().meta({ description: 'Starts with the offending field (`body.content`, `query.limit`, `header.Idempotency-Key`, `sessionId`, …), then says what was wrong.' }),
});

/** The `data` of a turn stream's `status` event. */
export const statusEventData = z.object({
  status: turnStatus,
  stage: turnStage,
  restarted: z.literal(true).optional().meta({ description: 'The reply is being generated again after a failure: discard the deltas received so far.' }),
  attempt: z.int().min(1).optional(),
});

/** The `data` of a `delta` event: the next piece of the reply. */
export const deltaEventData = z.object({ text: z.string() });

/** Why a stream ends without `done`: the turn's session was deleted or expired while it was followed. */
export const goneEventData = z.object({
  reason: z.literal('session_gone'),
  message: z.string().meta({ description: 'What happened, for people.' }),
});

export const health = z.object({ status: z.literal('ok') });
export const readiness = z.object({ status: z.enum(['ready', 'unavailable']), redis: z.enum(['up', 'down']) });
