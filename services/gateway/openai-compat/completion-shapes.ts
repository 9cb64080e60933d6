import type { Turn } from '#libs/session';
import { OpenAiError } from './openai-error';

/** `created` is the turn's submission time, so every chunk and a repeated read agree. */
const createdOf = (turn: Turn): number => Math.floor(Date.parse(turn.createdAt) / 1000);
export const completionIdOf = (turnId: string): string => `chatcmpl-${turnId}`;

export function usageOf(turn: Turn) {
  const u = turn.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  return { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.totalTokens };
}

/** turnq's own view of the turn, beside OpenAI's fields: clients that do not know it ignore it. */
const turnqOf = (turn: Turn) => ({
  sessionId: turn.sessionId, turnId: turn.turnId, seq: turn.seq, intent: turn.intent, state: turn.state,
  context: turn.context, timings: turn.timings,
});

/** A completed turn as OpenAI's `chat.completion`; `model` is the model that answered. */
export function completionOf(turn: Turn, fallbackModel: string) {
  return {
    id: completionIdOf(turn.turnId),
    object: 'chat.completion' as const,
    created: createdOf(turn),
    model: turn.model ?? fallbackModel,
    choices: [{ index: 0, message: { role: 'assistant' as const, content: turn.response ?? '', refusal: null }, logprobs: null, finish_reason: 'stop' as const }],
    usage: usageOf(turn),
    system_fingerprint: null,
    turnq: turnqOf(turn),
  };
}

/**
 * One `chat.completion.chunk`. With include_usage every chunk carries `usage: null` and one last chunk
 * with no choices carries the usage, as OpenAI does.
 */
export function chunkOf(turn: Turn, model: string, includeUsage: boolean,
  choice: { delta: Record<string, string>; finish_reason: 'stop' | null } | null, usage: ReturnType<typeof usageOf> | null = null) {
  return {
    id: completionIdOf(turn.turnId),
    object: 'chat.completion.chunk' as const,
    created: createdOf(turn),
    model,
    system_fingerprint: null,
    choices: choice ? [{ index: 0, delta: choice.delta, logprobs: null, finish_reason: choice.finish_reason }] : [],
    ...(includeUsage ? { usage } : {}),
  };
}

/**
 * A turn that ended without an answer. The workers already retried the model (turnq's one retrying
 * layer), so the client is told not to retry (`x-should-retry: false`, which the OpenAI SDKs obey):
 * a 502 for a model failure, never a 500, and a 409 for a turn someone cancelled.
 */
export function turnEndedError(turn: Turn): OpenAiError {
  const noRetry = { 'x-should-retry': 'false' };
  if (turn.status === 'cancelled') {
    return new OpenAiError(409, `turn ${turn.turnId} was cancelled before it ran`, 'invalid_request_error', null, 'turn_cancelled', noRetry);
  }
  const why = turn.error ? `${turn.error.code}: ${turn.error.message}` : 'unknown error';
  return new OpenAiError(502, `the model did not answer turn ${turn.turnId} (${why})`, 'upstream_error', null, turn.error?.code ?? 'upstream_error', noRetry);
}
