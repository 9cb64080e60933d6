import { z } from 'zod';
import { turn } from '../response-schemas';

/**
 * What the OpenAI-compatible routes answer (built in openai-compat/completion-shapes.ts), as far as
 * turnq fills it: OpenAI's own fields plus `turnq`, turnq's view of the turn, which OpenAI clients ignore.
 */
const turnqView = turn.pick({ sessionId: true, turnId: true, seq: true, intent: true, state: true, context: true, timings: true })
  .meta({ description: 'turnq\'s view of the turn; OpenAI clients ignore it.' });
const usage = z.object({ prompt_tokens: z.int().min(0), completion_tokens: z.int().min(0), total_tokens: z.int().min(0) });

export const chatCompletion = z.object({
  id: z.string().meta({ description: '`chatcmpl-` and the turn id.' }),
  object: z.literal('chat.completion'),
  created: z.int(),
  model: z.string().meta({ description: 'The model that answered (the request\'s `model` is not used).' }),
  choices: z.array(z.object({
    index: z.literal(0),
    message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
    logprobs: z.null(),
    finish_reason: z.literal('stop'),
  })).length(1),
  usage,
  system_fingerprint: z.null(),
  turnq: turnqView,
});

export const chatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.int(),
  model: z.string(),
  system_fingerprint: z.null(),
  choices: z.array(z.object({
    index: z.literal(0),
    delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }),
    logprobs: z.null(),
    finish_reason: z.literal('stop').nullable(),
  })).meta({ description: 'Empty in the last chunk of a stream with `stream_options.include_usage`.' }),
  usage: usage.nullable().optional().meta({ description: 'Only with `stream_options.include_usage`: null on every chunk but the last.' }),
});

export const model = z.object({ id: z.string(), object: z.literal('model'), created: z.int(), owned_by: z.literal('turnq') });
export const modelList = z.object({ object: z.literal('list'), data: z.array(model) });

export const openAiError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().meta({ description: 'invalid_request_error, requests (429), upstream_error (502) or server_error.' }),
    param: z.string().nullable(),
    code: z.string().nullable().meta({ description: 'e.g. invalid_api_key, invalid_value, session_not_found, idempotency_key_reused, too_many_pending_turns, rate_limit_exceeded, method_not_allowed, turn_cancelled, or the failed turn\'s error code.' }),
  }),
});
