import type { Job } from 'bullmq';
import type { ChatMessage, Llm } from '#libs/llm';
import type { Logger } from '#libs/logger';
import type { Metrics } from '#libs/metrics';
import type { SummaryJob } from '#libs/queue';
import type { PipelineStore, StoredMessage } from '#libs/session';
import { tokenCounter } from '#libs/tokens';

export interface SummarizeDeps {
  pipeline: PipelineStore; llm: Llm; metrics: Metrics;
  model: string; replyModel: string; keepMessages: number; maxTokens: number;
  /** Most history tokens folded by one job; a longer backlog is folded by the jobs that follow. */
  maxFoldTokens: number;
}

const INSTRUCTIONS = (maxTokens: number) => [
  'You maintain the rolling summary of a chat between a user and an assistant.',
  'Merge the previous summary and the new messages into one updated summary.',
  'Keep facts, names, numbers, decisions, code identifiers, the user\'s goals and open questions; drop small talk.',
  'Write in the language the conversation is in. Write plain prose, no preamble.',
  `Stay under ${maxTokens} tokens.`,
].join(' ');

/** Folds the oldest unsummarized messages (all but the newest `keepMessages`) into the summary. */
export function createSummarize(d: SummarizeDeps) {
  const keep = d.keepMessages + (d.keepMessages % 2); // whole user/assistant pairs stay out of the fold
  const counter = tokenCounter(d.replyModel);

  return async (job: SummaryJob, ctx: { job: Job; signal: AbortSignal; logger: Logger }): Promise<void> => {
    const t0 = performance.now();
    const read = await d.pipeline.readForSummary(job.sessionId, keep);
    if (!read || read.upto <= read.covers) return;
    const fold = foldable(read.messages, d.maxFoldTokens);
    if (fold.length === 0) return;
    const newCovers = read.covers + fold.length;
    try {
      const prompt: ChatMessage[] = [
        { role: 'system', content: INSTRUCTIONS(d.maxTokens) },
        { role: 'user', content: `Previous summary:\n${read.summary || '(none)'}\n\nNew messages:\n${fold.map((m) => `${m.role}: ${m.content}`).join('\n')}` },
      ];
      const result = await d.llm.complete({ model: d.model, operation: 'summarize', messages: prompt, maxTokens: d.maxTokens, temperature: 0, signal: ctx.signal });
      const text = result.text.trim();
      const committed = await d.pipeline.commitSummary(job.sessionId, {
        expectedCovers: read.covers, newCovers, text, tokens: counter.count(text),
        foldedTokens: fold.reduce((n, m) => n + m.tokens, 0),
      });
      d.metrics.summarizations.inc({ outcome: committed === 'ok' ? 'completed' : 'skipped' }); // skipped: a newer summary won the compare-and-set
      d.metrics.stageDuration.observe({ stage: 'summary', outcome: 'completed' }, (performance.now() - t0) / 1000);
      ctx.logger.info({ covers: newCovers, folded: fold.length, outcome: committed }, 'summary folded');
    } catch (err) {
      d.metrics.summarizations.inc({ outcome: 'failed' });
      d.metrics.stageDuration.observe({ stage: 'summary', outcome: 'failed' }, (performance.now() - t0) / 1000);
      throw err;
    }
  };
}

/** The oldest messages up to the token cap, ending on a whole pair (a message ending a turn). */
function foldable(messages: StoredMessage[], maxTokens: number): StoredMessage[] {
  let tokens = 0;
  let end = 0;
  for (let i = 0; i < messages.length; i++) {
    tokens += messages[i].tokens;
    if (tokens > maxTokens && end > 0) break;
    const next = messages[i + 1];
    if (!next || next.turnId !== messages[i].turnId) end = i + 1;
  }
  return messages.slice(0, end);
}
