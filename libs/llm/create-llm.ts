import OpenAI, { APIConnectionTimeoutError, APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import { LlmError } from './llm-error';
import { isQuotaExhausted, retryAfterMs } from './rate-limit-hints';
import { createStreamChat } from './stream-chat';
import { embeddingVector } from './embedding-vector';
import type { CompleteRequest, CompleteResult, EmbedRequest, EmbedResult, Llm, LlmUsage, StreamRequest, StreamResult } from './types';

export interface LlmOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
  /** Exact local count, used only when the provider reports no usage. */
  countPrompt(model: string, messages: CompleteRequest['messages']): number;
  countText(model: string, text: string): number;
}

/**
 * The official SDK with its own retries off: BullMQ owns retries (style rule 3); this layer only
 * translates failures into LlmError with a `retryable` flag. Reply streams, the hot path, go through
 * createStreamChat (node:http) instead of the SDK: same request, same error classes, less CPU.
 */
export function createLlm(opts: LlmOptions): Llm {
  const client = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.baseURL, timeout: opts.timeoutMs, maxRetries: 0 });
  // the SDK takes organization and project from OPENAI_ORG_ID / OPENAI_PROJECT_ID; the stream sends the same
  const streamChat = createStreamChat({
    apiKey: opts.apiKey, baseURL: opts.baseURL, timeoutMs: opts.timeoutMs,
    headers: {
      ...(client.organization ? { 'openai-organization': client.organization } : {}),
      ...(client.project ? { 'openai-project': client.project } : {}),
    },
  });

  const params = (req: CompleteRequest): ChatCompletionCreateParamsBase => ({
    model: req.model,
    messages: req.messages,
    ...(req.maxTokens !== undefined ? { max_tokens: req.maxTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.json ? { response_format: { type: 'json_object' as const } } : {}),
  });

  const usageOf = (req: CompleteRequest, text: string, u: OpenAI.CompletionUsage | null | undefined): [LlmUsage, boolean] => {
    if (u && Number.isFinite(u.prompt_tokens) && Number.isFinite(u.completion_tokens)) {
      return [{ promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.prompt_tokens + u.completion_tokens }, false];
    }
    const promptTokens = req.promptTokens ?? opts.countPrompt(req.model, req.messages);
    const completionTokens = opts.countText(req.model, text);
    return [{ promptTokens, completionTokens, totalTokens: promptTokens + completionTokens }, true];
  };

  return {
    async complete(req: CompleteRequest): Promise<CompleteResult> {
      try {
        const res = await client.chat.completions.create({ ...params(req), stream: false }, { signal: req.signal });
        const text = res.choices[0]?.message?.content ?? '';
        const [usage, usageEstimated] = usageOf(req, text, res.usage);
        return { text, usage, usageEstimated, model: res.model || req.model };
      } catch (err) {
        throw translate(err);
      }
    },

    async stream(req: StreamRequest): Promise<StreamResult> {
      const started = performance.now();
      let ttft: number | null = null;
      let text = '';
      let model = req.model;
      let reported: OpenAI.CompletionUsage | null = null;
      let finished = false;
      await streamChat({ ...params(req), stream: true, stream_options: { include_usage: true } }, req.signal, (chunk) => {
        if (chunk.model) model = chunk.model;
        if (chunk.usage) reported = chunk.usage;
        if (chunk.choices?.[0]?.finish_reason) finished = true;
        const piece = chunk.choices?.[0]?.delta?.content;
        if (piece) {
          if (ttft === null) ttft = performance.now() - started;
          text += piece;
          req.onDelta(piece);
        }
      });
      // A stream aborted, or closed cleanly before its end, carries only part of a reply: never take it for the whole.
      if (req.signal?.aborted) throw new LlmError('aborted', 'the request was aborted');
      if (!finished) throw new LlmError('connection', 'the model stream ended before the reply was finished');
      const [usage, usageEstimated] = usageOf(req, text, reported);
      return { text, usage, usageEstimated, model, timeToFirstTokenMs: ttft };
    },

    async embed(req: EmbedRequest): Promise<EmbedResult> {
      try {
        // base64 asked for explicitly: the SDK then hands the float32 bytes over as they came, undecoded
        const res = await client.embeddings.create({ model: req.model, input: req.input, encoding_format: 'base64' }, { signal: req.signal });
        const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => embeddingVector(d.embedding as unknown as string | number[]));
        if (vectors.length !== req.input.length) throw new LlmError('bad_request', `the embedding model returned ${vectors.length} vectors for ${req.input.length} inputs`);
        return { vectors, usage: { promptTokens: res.usage?.prompt_tokens ?? 0 }, model: res.model || req.model };
      } catch (err) {
        throw translate(err);
      }
    },
  };
}

function translate(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError) return new LlmError('aborted', 'the request was aborted', { cause: err });
  if (err instanceof APIConnectionTimeoutError) return new LlmError('timeout', 'the model did not answer in time', { cause: err });
  if (err instanceof APIConnectionError) return new LlmError('connection', 'the model server could not be reached', { cause: err });
  if (err instanceof APIError) {
    const status = err.status ?? 0;
    if ((status === 429 || status === 402 || status === 403) && isQuotaExhausted({ code: err.code, type: err.type, message: err.message })) {
      return new LlmError('quota', `the model provider says the account cannot be served (${status}): ${err.message.slice(0, 200)}`, { cause: err });
    }
    if (status === 429) return new LlmError('rate_limit', 'the model provider is rate limiting', { retryAfterMs: err.headers ? retryAfterMs((name) => err.headers?.get(name)) : null, cause: err });
    if (status === 401 || status === 403) return new LlmError('auth', `the model provider refused the key (${status})`, { cause: err });
    if (status === 408 || status >= 500 || status === 0) return new LlmError('server', `the model server failed (${status || 'stream broke'})`, { cause: err });
    return new LlmError('bad_request', `the model provider rejected the request (${status})`, { cause: err });
  }
  // A stream cut mid-way surfaces as a plain error from the body reader: worth another attempt.
  return new LlmError('connection', err instanceof Error ? `the model stream failed: ${err.message}` : 'the model stream failed', { cause: err });
}
