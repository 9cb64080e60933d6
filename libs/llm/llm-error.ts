/**
 * The one translation of provider failures. Only BullMQ retries (style rule 3): `retryable` tells the
 * worker whether another attempt can help; `retryAfterMs` carries a provider's rate-limit hint.
 */
export type LlmErrorType = 'rate_limit' | 'timeout' | 'connection' | 'server' | 'auth' | 'bad_request' | 'bad_output' | 'aborted';

export class LlmError extends Error {
  readonly type: LlmErrorType;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;

  constructor(type: LlmErrorType, message: string, opts: { retryAfterMs?: number | null; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'LlmError';
    this.type = type;
    this.retryable = type === 'rate_limit' || type === 'timeout' || type === 'connection' || type === 'server';
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}
