import { z } from 'zod';

/*
 * The subset of OpenAI's chat-completions body the simulator understands. Unknown fields pass, as a
 * simulator must not be stricter than the API; what it reads is checked like the API checks it.
 */
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
});

const responseFormat = z.looseObject({
  type: z.enum(['text', 'json_object', 'json_schema']),
  json_schema: z.looseObject({ name: z.string().optional(), schema: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  response_format: responseFormat.nullish(),
});

type ChatRequestBody = z.infer<typeof chatRequestSchema>;

/** A message with its content flattened to text, as the tokenizer and the reply logic see it. */
export interface SimMessage {
  role: string;
  content: string;
  name?: string;
}

export interface ChatRequest {
  model: string;
  messages: SimMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | null;
  temperature: number | null;
  json: boolean;
  /** The JSON schema of a json_schema response format, when one was given. */
  jsonSchema: Record<string, unknown> | null;
}

export type ParsedChatRequest = { ok: true; request: ChatRequest } | { ok: false; message: string; param: string | null };

export function parseChatRequest(body: unknown): ParsedChatRequest {
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.length > 0 ? pathToParam(issue.path) : null;
    const missing = issue.code === 'invalid_type' && param !== null && !hasPath(body, issue.path);
    const message = missing ? `Missing required parameter: '${param}'.` : `Invalid '${param ?? 'body'}': ${issue.message}.`;
    return { ok: false, message, param };
  }
  return { ok: true, request: normalize(parsed.data) };
}

function normalize(b: ChatRequestBody): ChatRequest {
  const format = b.response_format?.type ?? 'text';
  return {
    model: b.model,
    messages: b.messages.map((m) => ({ role: m.role, content: textOf(m.content), ...(m.name !== undefined ? { name: m.name } : {}) })),
    stream: b.stream === true,
    includeUsage: b.stream_options?.include_usage === true,
    // The newer name wins; the API treats max_tokens as its deprecated alias.
    maxTokens: b.max_completion_tokens ?? b.max_tokens ?? null,
    temperature: b.temperature ?? null,
    json: format !== 'text',
    jsonSchema: b.response_format?.json_schema?.schema ?? null,
  };
}

function textOf(content: string | Array<{ type: string; text?: string }> | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

/** OpenAI's spelling of a parameter path: messages[0].role. */
function pathToParam(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object' || !(p in v)) return false;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return true;
}
