/**
 * The one translation of provider failures. Only BullMQ retries (style rule 3): `retryable` tells the
 * worker whether another attempt can help; `retryAfterMs` carries a provider's rate-limit hint.
 * `rate_limit` is a pause (wait and try again); `quota` is a 429 (or 402/403) whose body says the account
 * cannot be served at all (OpenAI's `insufficient_quota`): no wait helps, the turn fails at once.
 */
export type LlmErrorType = 'rate_limit' | 'quota' | 'timeout' | 'connection' | 'server' | 'auth' | 'bad_request' | 'bad_output' | 'aborted';

export class LlmError extends Error {
  readonly type: LlmErrorType;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  /** Set by instrumentLlm: the call that failed, for metrics recorded further up (settleTurnError). */
  model?: string;
  operation?: string;

  constructor(type: LlmErrorType, message: string, opts: { retryAfterMs?: number | null; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'LlmError';
    this.type = type;
    this.retryable = type === 'rate_limit' || type === 'timeout' || type === 'connection' || type === 'server';
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}
