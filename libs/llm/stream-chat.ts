import http from 'node:http';
import https from 'node:https';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { LlmError } from './llm-error';
import { isQuotaExhausted, retryAfterMs } from './rate-limit-hints';

export interface StreamChatOptions {
  apiKey: string;
  /** Up to and including `/v1`, as for the SDK; default OpenAI's. */
  baseURL?: string;
  /** Until the response headers arrive, and then the longest silence allowed between two pieces of the body. */
  timeoutMs: number;
  /** Sent with every request (e.g. OpenAI-Organization / OpenAI-Project, as the SDK sends them). */
  headers?: Record<string, string>;
}

export type StreamChat = (body: object, signal: AbortSignal | undefined, onChunk: (chunk: ChatCompletionChunk) => void) => Promise<void>;

/**
 * `POST /chat/completions` with `stream: true`, over node:http with a keep-alive agent, reading the
 * `data:` lines itself. The reply stream is the hottest call in turnq, and the SDK's path for it
 * (fetch, web streams, its SSE decoder) cost about 3x the CPU of this one per call (docs/performance.md,
 * "Change 2"); the SDK still does everything else. Failures are LlmErrors classified exactly as the
 * SDK's are in create-llm.ts.
 */
export function createStreamChat(opts: StreamChatOptions): StreamChat {
  const url = new URL(`${(opts.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/chat/completions`);
  const transport = url.protocol === 'https:' ? https : http;
  // Every idle socket is kept (their number never exceeds the streams that ran at once): the default
  // of 256 closed and reopened connections whenever more replies than that ended together.
  const agent = new transport.Agent({ keepAlive: true, maxFreeSockets: Infinity });

  return (body, signal, onChunk) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const payload = JSON.stringify(body);
    let settled = false;
    // Takes a thunk: an LlmError captures a stack, and most of these handlers fire after the call settled.
    const settle = (err?: () => LlmError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err());
      } else resolve();
    };
    const onAbort = () => settle(aborted);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer = setTimeout(() => settle(() => new LlmError('timeout', 'the model did not answer in time')), opts.timeoutMs);

    const req = transport.request(url, {
      method: 'POST', agent,
      headers: {
        ...opts.headers,
        authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json', accept: 'text/event-stream',
        'content-length': Buffer.byteLength(payload),
      },
    }, (res) => {
      res.setEncoding('utf8'); // a character split between two packets is joined before we see it
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        let text = '';
        res.on('data', (s: string) => { if (text.length < 4096) text += s; });
        res.on('end', () => settle(() => statusError(status, res.headers, text)));
        res.on('error', () => settle(() => statusError(status, res.headers, text)));
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => settle(() => new LlmError('timeout', 'the model stopped sending its reply')), opts.timeoutMs);
      let buffer = '';
      res.on('data', (s: string) => {
        if (settled) return;
        timer.refresh(); // the silence allowed starts again
        buffer += s;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).replace(/\r$/, '');
          buffer = buffer.slice(nl + 1);
          if (!line.startsWith('data:')) continue; // blank separators, comments, `event:`/`id:` fields
          const data = line.slice(line[5] === ' ' ? 6 : 5);
          if (data === '[DONE]') continue;
          let chunk: ChatCompletionChunk & { error?: { message?: string } };
          try {
            chunk = JSON.parse(data);
          } catch {
            return settle(() => new LlmError('server', 'the model stream sent a line that is not JSON'));
          }
          if (chunk.error) {
            const message = String(chunk.error.message ?? 'unknown');
            return settle(() => new LlmError('server', `the model stream reported an error: ${message}`));
          }
          try {
            onChunk(chunk);
          } catch (err) {
            return settle(() => new LlmError('connection', `the model stream failed: ${(err as Error).message}`, { cause: err }));
          }
        }
      });
      // A clean end is not judged here: the caller tells by finish_reason whether the reply is whole.
      res.on('end', () => settle());
      res.on('error', (err) => settle(() => new LlmError('connection', `the model stream failed: ${err.message}`, { cause: err })));
      res.on('close', () => settle(() => new LlmError('connection', 'the model stream broke off'))); // after 'end', a no-op
    });
    req.on('error', (err) => settle(() => new LlmError('connection', 'the model server could not be reached', { cause: err })));
    req.end(payload);
  });
}

const aborted = () => new LlmError('aborted', 'the request was aborted');

/** The same classes as create-llm.ts's translate() gives the SDK's APIError. */
function statusError(status: number, headers: http.IncomingHttpHeaders, body: string): LlmError {
  let error: { code?: unknown; type?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error;
  } catch { /* not JSON: the status says enough */ }
  const detail = typeof error?.message === 'string' ? `: ${error.message.slice(0, 200)}` : '';
  const header = (name: string) => { const v = headers[name]; return Array.isArray(v) ? v[0] : v; };
  if ((status === 429 || status === 402 || status === 403) && isQuotaExhausted(error)) return new LlmError('quota', `the model provider says the account cannot be served (${status})${detail}`);
  if (status === 429) return new LlmError('rate_limit', `the model provider is rate limiting${detail}`, { retryAfterMs: retryAfterMs(header) });
  if (status === 401 || status === 403) return new LlmError('auth', `the model provider refused the key (${status})`);
  if (status === 408 || status >= 500) return new LlmError('server', `the model server failed (${status})${detail}`);
  return new LlmError('bad_request', `the model provider rejected the request (${status})${detail}`);
}
