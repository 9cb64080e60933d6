import type { SimMessage } from './chat-request';
import type { ReplyKind } from './plan-reply';

export type RequestOutcome = 'pending' | 'completed' | 'rate_limited' | 'failed' | 'broken' | 'aborted';

/** What tests read back from GET /_sim/requests, e.g. to check every prompt stayed within budget. */
export interface LoggedRequest {
  at: string;
  model: string;
  messages: SimMessage[];
  /** max_completion_tokens, else max_tokens, else null. */
  maxTokens: number | null;
  stream: boolean;
  json: boolean;
  /** usage.prompt_tokens as answered: OpenAI's chat-format count in the model's encoding. */
  promptTokens: number;
  kind: ReplyKind;
  outcome: RequestOutcome;
  completionTokens: number | null;
}

/**
 * A fixed-size ring of the most recent requests: bounded memory under load tests, O(1) per request.
 * Entries are mutable so a request's outcome can be filled in when its answer ends.
 */
export class RequestLog {
  private readonly entries: Array<LoggedRequest | undefined>;
  private next = 0;
  private size = 0;

  constructor(readonly capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.entries = new Array(capacity);
  }

  add(entry: LoggedRequest): LoggedRequest {
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    return entry;
  }

  /** The `limit` most recent entries, oldest first. */
  recent(limit = this.capacity): LoggedRequest[] {
    const n = Math.max(0, Math.min(limit, this.size));
    const out: LoggedRequest[] = [];
    for (let i = n; i > 0; i--) out.push(this.entries[(this.next - i + this.capacity) % this.capacity] as LoggedRequest);
    return out;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}
