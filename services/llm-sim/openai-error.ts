import type { ServerResponse } from 'node:http';

/** OpenAI's error body: clients (and the openai SDK) read `error.message`, `type` and `code`. */
export interface OpenAiErrorBody {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendError(res: ServerResponse, status: number, error: OpenAiErrorBody, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } }, headers);
}

export function badRequest(res: ServerResponse, message: string, param: string | null = null): void {
  sendError(res, 400, { message, type: 'invalid_request_error', param });
}

/* Small on purpose: retry tests should not wait, and the SDK prefers the millisecond header. */
export const RETRY_AFTER_HEADERS = { 'retry-after-ms': '200', 'retry-after': '1' };

export function rateLimited(res: ServerResponse): void {
  sendError(
    res,
    429,
    { message: 'Rate limit reached (simulated by the turnq LLM simulator).', type: 'requests', code: 'rate_limit_exceeded' },
    RETRY_AFTER_HEADERS,
  );
}

export function serverError(res: ServerResponse): void {
  sendError(res, 500, { message: 'The server had an error while processing your request (simulated by the turnq LLM simulator).', type: 'server_error' });
}

export function notFound(res: ServerResponse, method: string, path: string): void {
  sendError(res, 404, { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error' });
}
