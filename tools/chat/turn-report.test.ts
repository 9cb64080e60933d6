import type { Turn } from '#libs/session';
import { turnReport } from './turn-report';

const turn: Turn = {
  turnId: 'ses_a:1', sessionId: 'ses_a', seq: 1, status: 'completed', stage: null, input: '배송이 너무 늦어요',
  intent: { label: 'problem_solving', confidence: 0.75, method: 'keyword' },
  sentiment: { label: 'negative', intensity: 0.5, method: 'keyword' },
  state: { from: 'greeting', to: 'problem_solving' }, response: '죄송합니다', model: 'm',
  usage: { promptTokens: 90, completionTokens: 10, totalTokens: 100 },
  context: { originalTokens: 90, keptTokens: 90, compressionRatio: 1, messagesTotal: 0, messagesKept: 0, summaryUsed: false, memories: 0, tone: { instruction: 'negative', negativeRun: 1 } },
  timings: { queuedMs: 1, intentMs: 2, responseMs: 300, totalMs: 303 }, error: null,
  createdAt: '2026-01-01T00:00:00.000Z', startedAt: '2026-01-01T00:00:00.001Z', completedAt: '2026-01-01T00:00:00.303Z',
};

describe('turnReport', () => {
  it('shows the sentiment and the tone it set next to the intent', () => {
    expect(turnReport(turn)).toContain('| intent problem_solving (keyword 0.75) | sentiment negative 0.50 (keyword, tone negative) | state greeting → problem_solving |');
  });

  it('leaves the tone out when none was added, and the sentiment out when the turn has none', () => {
    expect(turnReport({ ...turn, context: { ...turn.context!, tone: null } })).toContain('| sentiment negative 0.50 (keyword) |');
    expect(turnReport({ ...turn, sentiment: null })).not.toContain('sentiment');
  });
});
