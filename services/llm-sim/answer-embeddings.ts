import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { TokenCounter } from '#libs/tokens';
import { badRequest, sendJson } from './openai-error';
import { defaultDimensions, simEmbedding } from './sim-embedding';

const embeddingsRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).max(8192).optional(),
});

export type EmbeddingsRequest = { ok: true; model: string; inputs: string[]; promptTokens: number; answer: () => void } | { ok: false };

/**
 * POST /v1/embeddings as OpenAI answers it (float arrays, or base64 of little-endian float32 when asked,
 * as the openai SDK does by default), with vectors from simEmbedding. The response says it comes
 * from the simulator (`x-turnq-simulator`, and the model's `owned_by` in /v1/models).
 * A bad request is answered 400 here; a good one only when the caller calls `answer` (it may inject
 * a fault instead).
 */
export function readEmbeddingsRequest(res: ServerResponse, body: unknown, counter: (model: string) => TokenCounter): EmbeddingsRequest {
  const parsed = embeddingsRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    badRequest(res, `Invalid '${issue.path.join('.') || 'body'}': ${issue.message}.`, issue.path.join('.') || null);
    return { ok: false };
  }
  const req = parsed.data;
  const inputs = typeof req.input === 'string' ? [req.input] : req.input;
  const dims = req.dimensions ?? defaultDimensions(req.model);
  const c = counter(req.model);
  const promptTokens = inputs.reduce((n, t) => n + c.count(t), 0);
  const answer = () => {
    const data = inputs.map((text, index) => {
      const v = simEmbedding(text, dims);
      const embedding = req.encoding_format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v);
      return { object: 'embedding', index, embedding };
    });
    sendJson(res, 200, { object: 'list', data, model: req.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
      { 'x-turnq-simulator': 'embeddings from the turnq LLM simulator (hashed words, not a model)' });
  };
  return { ok: true, model: req.model, inputs, promptTokens, answer };
}
