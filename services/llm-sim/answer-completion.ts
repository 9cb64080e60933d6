import type { ServerResponse } from 'node:http';
import type { TokenCounter } from '#libs/tokens';
import { type FittedReply, splitPieces } from './fit-to-max-tokens';
import { sendJson } from './openai-error';
import type { RequestOutcome } from './request-log';

export interface Answer {
  id: string;
  created: number;
  model: string;
  reply: FittedReply;
  promptTokens: number;
  /** Time to first token, jitter included. */
  delayMs: number;
  tokensPerSecond: number;
  /** Destroy the connection after about half the tokens instead of finishing. */
  breakMidway: boolean;
  counter: TokenCounter;
  onEnd(outcome: RequestOutcome): void;
}

const FINGERPRINT = 'turnq-llm-sim';
/* One chunk per tick at most, so a fast stream costs ~100 timers a second, not one per token. */
const TICK_MS = 10;
/* With no pacing (0 tokens/s) the text still arrives as several deltas, like a fast model's. */
const INSTANT_CHUNK_TOKENS = 8;

function usage(a: Answer) {
  return {
    prompt_tokens: a.promptTokens,
    completion_tokens: a.reply.completionTokens,
    total_tokens: a.promptTokens + a.reply.completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** A non-streaming answer arrives once the whole reply would have been generated. */
export function answerJson(res: ServerResponse, a: Answer): void {
  const generationMs = a.tokensPerSecond > 0 ? (a.reply.completionTokens * 1000) / a.tokensPerSecond : 0;
  let ended = false;
  const end = (outcome: RequestOutcome) => {
    ended = true;
    a.onEnd(outcome);
  };
  const timer = setTimeout(() => {
    if (a.breakMidway) {
      end('broken');
      return res.destroy();
    }
    end('completed');
    sendJson(res, 200, {
      id: a.id,
      object: 'chat.completion',
      created: a.created,
      model: a.model,
      system_fingerprint: FINGERPRINT,
      choices: [{ index: 0, message: { role: 'assistant', content: a.reply.text, refusal: null }, logprobs: null, finish_reason: a.reply.finishReason }],
      usage: usage(a),
    }, { 'x-request-id': a.id });
  }, a.breakMidway ? a.delayMs + generationMs / 2 : a.delayMs + generationMs);
  res.on('close', () => {
    clearTimeout(timer);
    if (!ended) end('aborted');
  });
}

/** Groups whitespace-led words into chunks of about `tokensPerChunk` tokens. */
function chunkText(a: Answer, tokensPerChunk: number): string[] {
  const chunks: string[] = [];
  let text = '';
  let tokens = 0;
  for (const piece of splitPieces(a.reply.text)) {
    text += piece;
    tokens += a.counter.count(piece);
    if (tokens >= tokensPerChunk) {
      chunks.push(text);
      text = '';
      tokens = 0;
    }
  }
  if (text) chunks.push(text);
  return chunks;
}

/** SSE exactly as OpenAI frames it: role delta, content deltas, finish chunk, optional usage chunk, [DONE]. */
export function answerStream(res: ServerResponse, a: Answer, includeUsage: boolean): void {
  const fast = a.tokensPerSecond === 0;
  const tokensPerChunk = fast ? INSTANT_CHUNK_TOKENS : Math.max(1, Math.round((a.tokensPerSecond * TICK_MS) / 1000));
  const intervalMs = fast ? 0 : (tokensPerChunk * 1000) / a.tokensPerSecond;
  const chunks = chunkText(a, tokensPerChunk);
  const breakAfter = a.breakMidway ? Math.floor(chunks.length / 2) : Infinity;
  const base = { id: a.id, object: 'chat.completion.chunk', created: a.created, model: a.model, system_fingerprint: FINGERPRINT };
  const extra = includeUsage ? { usage: null } : {};
  const event = (delta: object, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra })}\n\n`;

  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const end = (outcome: RequestOutcome) => {
    ended = true;
    a.onEnd(outcome);
  };
  res.on('close', () => {
    clearTimeout(timer);
    if (!ended) end('aborted');
  });

  const step = () => {
    if (ended || res.destroyed) return;
    res.cork();
    if (sent === 0) {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': a.id });
      res.write(event({ role: 'assistant', content: '', refusal: null }));
    }
    // Without pacing everything up to the end (or the break) goes out in this one turn of the loop.
    do {
      if (sent >= breakAfter) break;
      if (sent < chunks.length) res.write(event({ content: chunks[sent] }));
      sent++;
    } while (fast && sent < chunks.length);
    res.uncork();
    if (sent >= breakAfter) {
      // Let the half already written reach the client before the connection drops.
      setImmediate(() => res.destroy());
      return end('broken');
    }
    if (sent < chunks.length) {
      timer = setTimeout(step, intervalMs);
      return;
    }
    res.write(event({}, a.reply.finishReason));
    if (includeUsage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usage(a) })}\n\n`);
    res.end('data: [DONE]\n\n');
    end('completed');
  };
  timer = setTimeout(step, a.delayMs);
}
