import type { Metrics } from '#libs/metrics';
import { LlmError } from './llm-error';
import type { CompleteRequest, Llm } from './types';

/** Records every call's duration, time to first token, tokens and errors under the contract's names. */
export function instrumentLlm(llm: Llm, metrics: Metrics): Llm {
  async function observe<T extends { usage: { promptTokens: number; completionTokens: number }; model: string }>(
    req: CompleteRequest, call: () => Promise<T>, after?: (r: T) => void): Promise<T> {
    const start = performance.now();
    try {
      const result = await call();
      const labels = { model: req.model, operation: req.operation };
      metrics.llmRequestDuration.observe({ ...labels, outcome: 'success' }, (performance.now() - start) / 1000);
      metrics.llmTokens.inc({ ...labels, type: 'prompt' }, result.usage.promptTokens);
      metrics.llmTokens.inc({ ...labels, type: 'completion' }, result.usage.completionTokens);
      after?.(result);
      return result;
    } catch (err) {
      const type = err instanceof LlmError ? err.type : 'unknown';
      if (err instanceof LlmError) Object.assign(err, { model: req.model, operation: req.operation });
      metrics.llmRequestDuration.observe({ model: req.model, operation: req.operation, outcome: 'error' }, (performance.now() - start) / 1000);
      metrics.llmErrors.inc({ model: req.model, operation: req.operation, error_type: type });
      throw err;
    }
  }
  return {
    complete: (req) => observe(req, () => llm.complete(req)),
    stream: (req) => observe(req, () => llm.stream(req), (r) => {
      if (r.timeToFirstTokenMs !== null) metrics.llmTimeToFirstToken.observe({ model: req.model }, r.timeToFirstTokenMs / 1000);
    }),
  };
}
