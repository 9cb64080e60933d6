import type { ErrorRequestHandler, Response } from 'express';
import { isRedisUnavailable } from '#libs/redis';
import type { Logger } from '#libs/logger';
import { HttpProblem, storeUnavailable } from '../http-problem';

/**
 * An error in OpenAI's shape (`{ error: { message, type, param, code } }`): the OpenAI-compatible
 * endpoints answer with it instead of problem+json, because that is what OpenAI clients parse.
 */
export class OpenAiError extends Error {
  constructor(
    readonly status: number, message: string, readonly type = 'invalid_request_error',
    readonly param: string | null = null, readonly code: string | null = null, readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  body() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/* What the turnq checks that run before these routes (auth, body parsing, rate limit) mean in OpenAI's terms. */
const BY_STATUS: Record<number, { type: string; code: string | null }> = {
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  404: { type: 'invalid_request_error', code: 'not_found' },
  405: { type: 'invalid_request_error', code: 'method_not_allowed' },
  413: { type: 'invalid_request_error', code: 'request_too_large' },
  415: { type: 'invalid_request_error', code: 'unsupported_media_type' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  503: { type: 'server_error', code: 'service_unavailable' },
};

function fromProblem(p: HttpProblem): OpenAiError {
  const m = BY_STATUS[p.status] ?? { type: p.status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
  return new OpenAiError(p.status, p.detail, m.type, null, m.code, p.headers);
}

export function sendOpenAiError(res: Response, e: OpenAiError): void {
  for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
  res.status(e.status).json(e.body());
}

/** The OpenAI-shaped twin of problemHandler: same mapping of body-parser errors and Redis outages. */
export function openAiErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) { res.destroy(); return; }
    if (err instanceof OpenAiError) return sendOpenAiError(res, err);
    if (err instanceof HttpProblem) return sendOpenAiError(res, fromProblem(err));
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return sendOpenAiError(res, new OpenAiError(413, 'body: the request body is over 64 KiB', 'invalid_request_error', null, 'request_too_large'));
    if (e.type === 'entity.parse.failed') return sendOpenAiError(res, new OpenAiError(400, 'body: not valid JSON', 'invalid_request_error', null, 'invalid_json'));
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return sendOpenAiError(res, fromProblem(new HttpProblem(415, `content-type: ${e.message}`)));
    if (e.type === 'request.aborted') { res.destroy(); return; }
    if (e.status && e.status >= 400 && e.status < 500) return sendOpenAiError(res, fromProblem(new HttpProblem(e.status, e.message ?? 'bad request')));
    if (isRedisUnavailable(err)) return sendOpenAiError(res, fromProblem(storeUnavailable()));
    logger.error({ err: e.message, stack: (err as Error).stack, method: req.method, path: req.route?.path }, 'unhandled error');
    sendOpenAiError(res, new OpenAiError(500, 'internal: an unexpected error occurred', 'server_error'));
  };
}
