import type { TokenCounter } from '#libs/tokens';
import type { ChatRequest } from './chat-request';
import { chatReply } from './chat-reply';
import { asksForSentiment, classify, looksLikeClassification, offeredLabels, sentimentOf } from './classify-reply';
import { type Random, hashText, seededRandom } from './seeded-random';
import { looksLikeSummaryRequest, summaryReply } from './summary-reply';
import { looksLikeMemoryExtraction, memoryReply } from './memory-reply';

export type ReplyKind = 'chat' | 'classify' | 'summarize' | 'extract' | 'embed';

export interface PlannedReply {
  kind: ReplyKind;
  /** The whole answer before max_tokens is applied. */
  text: string;
  /** true when fault injection made a JSON-mode answer unparseable. */
  malformedJson: boolean;
}

export interface PlanOptions {
  badJsonRate: number;
  /** Randomness for fault injection only; the text itself is seeded from the request. */
  random: Random;
}

/**
 * The answer is a function of the request: its kind comes from the system prompt and response format,
 * its content from a hash of the last user message.
 */
export function planReply(req: ChatRequest, counter: TokenCounter, opts: PlanOptions): PlannedReply {
  const systemText = req.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content).join('\n');
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? req.messages[req.messages.length - 1].content;
  const seeded = seededRandom(hashText(lastUser));

  if (req.json && looksLikeMemoryExtraction(systemText)) return asJson('extract', memoryReply(req.messages), opts);
  if (req.json && looksLikeClassification(systemText)) {
    const labels = offeredLabels(systemText, req.jsonSchema);
    if (labels.length > 0) {
      const feeling = asksForSentiment(systemText) ? sentimentOf(lastUser) : {};
      return asJson('classify', { ...classify(lastUser, labels, systemText), ...feeling }, opts);
    }
  }
  if (looksLikeSummaryRequest(systemText)) {
    const summary = summaryReply(req.messages);
    return req.json ? asJson('summarize', { summary }, opts) : { kind: 'summarize', text: summary, malformedJson: false };
  }
  const reply = chatReply(lastUser, counter, seeded);
  return req.json ? asJson('chat', { simulator: 'turnq LLM simulator', reply }, opts) : { kind: 'chat', text: reply, malformedJson: false };
}

function asJson(kind: ReplyKind, value: object, opts: PlanOptions): PlannedReply {
  const json = JSON.stringify(value);
  if (opts.badJsonRate > 0 && opts.random() < opts.badJsonRate) {
    // Any proper prefix of an object literal is unparseable: it never closes.
    return { kind, text: json.slice(0, Math.ceil(json.length / 2)), malformedJson: true };
  }
  return { kind, text: json, malformedJson: false };
}
