/**
 * The parts that can never be dropped (system prompt, summary, the new turn) do not fit the budget by
 * themselves. Retrying cannot help, so the worker fails the turn with this code instead.
 */
export class ContextOverflowError extends Error {
  readonly code = 'context_overflow';
  /** Tokens the mandatory parts need, overhead and reply primer included. */
  readonly requiredTokens: number;
  readonly budget: number;

  constructor(requiredTokens: number, budget: number) {
    super(
      `the system prompt, summary and new turn need ${requiredTokens} prompt tokens, ` +
        `over the context budget of ${budget} (TURNQ_MAX_CONTEXT_TOKENS)`,
    );
    this.name = 'ContextOverflowError';
    this.requiredTokens = requiredTokens;
    this.budget = budget;
  }
}
