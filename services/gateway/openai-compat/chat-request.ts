import { z, type ZodType } from 'zod';
import { describeIssue } from '../describe-issue';
import { createSessionBody, submitTurnBody } from '../request-schemas';
import { OpenAiError } from './openai-error';

const part = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(part)], { error: 'must be a string or an array of text parts' }).nullable().optional(),
});

/**
 * OpenAI's chat request, loose on purpose: clients send sampling knobs (temperature, top_p, …) that
 * turnq does not pass on, and refusing them would break drop-in use. What turnq cannot honour without
 * lying (several choices, tools) is refused.
 */
export const chatCompletionRequest = z.looseObject({
  model: z.string().max(256).optional(),
  messages: z.array(message).min(1, 'must hold at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  n: z.number().int().min(1).max(1, 'turnq answers with one choice; n must be 1').nullable().optional(),
  tools: z.array(z.unknown()).max(0, 'tools are not supported by turnq').nullable().optional(),
  user: z.string().optional(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** OpenAI names a field like `messages[2].content`. */
const paramOf = (path: PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');

/** Parses or throws a 400 in OpenAI's shape whose `param` names the offending field. */
export function parseOr400<T>(schema: ZodType<T>, value: unknown, at: PropertyKey[] = []): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const param = paramOf([...at, ...issue.path]) || null;
  const message = describeIssue(issue, value);
  throw new OpenAiError(400, `${param ?? 'body'}: ${message}`, 'invalid_request_error', param, 'invalid_value');
}

function textOf(content: z.infer<typeof message>['content'], at: PropertyKey[]): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p, i) => {
    if (p.type !== 'text' || typeof p.text !== 'string') {
      const param = paramOf([...at, i, 'type']);
      throw new OpenAiError(400, `${param}: only text parts are supported`, 'invalid_request_error', param, 'unsupported_content');
    }
    return p.text;
  }).join('\n');
}

export interface TurnInput { content: string; systemPrompt: string | undefined; userId: string | undefined }

/**
 * turnq keeps the conversation itself, so only the LAST user message of `messages` becomes the new
 * turn; earlier user and assistant messages are ignored (the session's stored history is used instead).
 * system/developer messages become the systemPrompt of a session created by this request and are
 * ignored when the request names an existing session (X-Session-Id).
 */
export function turnInputOf(body: ChatCompletionRequest): TurnInput {
  const last = body.messages.findLastIndex((m) => m.role === 'user');
  if (last < 0) throw new OpenAiError(400, 'messages: must contain a user message (it becomes the new turn)', 'invalid_request_error', 'messages', 'invalid_value');
  const content = parseOr400(submitTurnBody.shape.content, textOf(body.messages[last].content, ['messages', last, 'content']), ['messages', last, 'content']);
  const system = body.messages.filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content, ['messages', body.messages.indexOf(m), 'content']));
  const systemPrompt = system.length ? parseOr400(createSessionBody.shape.systemPrompt, system.join('\n\n'), ['messages', 'system']) : undefined;
  const userId = body.user === undefined ? undefined : parseOr400(createSessionBody.shape.userId, body.user, ['user']);
  return { content, systemPrompt, userId };
}
