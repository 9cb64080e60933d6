import { SAMPLE_CONTEXT, SAMPLE_USAGE, storeFixture } from '../../test/store-fixture';
import type { SentimentRecord } from './session-types';

const feeling = (label: SentimentRecord['label']): SentimentRecord => ({ label, intensity: label === 'neutral' ? 0 : 0.6, method: 'keyword' });
const intent = { label: 'problem_solving', confidence: 0.9, method: 'keyword' as const };

/** The sentiment stored with the intent commit, and the session's trend the response stage reads. */
describe('sentiment with the intent commit', () => {
  const f = storeFixture();
  afterAll(() => f.close());

  async function runTurn(sessionId: string, label: SentimentRecord['label']) {
    const { ref } = await f.submit(sessionId, label);
    await f.pipeline.start(ref);
    expect(await f.pipeline.commitIntent(ref, intent, 'problem_solving', feeling(label))).toBe('ok');
    // a re-run of the same commit (a lost reply) applies nothing, so the trend gets one mark per turn
    expect(await f.pipeline.commitIntent(ref, intent, 'problem_solving', feeling(label))).toBe('stale');
    const snap = await f.pipeline.beginResponse(ref, { maxTokens: 1000, maxMessages: 10 });
    if (typeof snap === 'string') throw new Error(snap);
    await f.pipeline.commitResponse(ref, {
      attempt: snap.attempt, response: 'r', usage: SAMPLE_USAGE, context: SAMPLE_CONTEXT, userTokens: 1, replyTokens: 1, intentLabel: 'problem_solving', model: 'm',
    });
    return { ref, snap };
  }

  it('returns the turn\'s sentiment and the last five marks, newest last, to the response stage', async () => {
    const s = await f.store.create('t', {});
    const trends: string[] = [];
    for (const label of ['neutral', 'negative', 'negative', 'positive', 'negative', 'negative'] as const) {
      const { snap } = await runTurn(s.id, label);
      expect(snap.sentiment).toEqual(feeling(label));
      trends.push(snap.sentimentTrend);
    }
    expect(trends).toEqual(['0', '0-', '0--', '0--+', '0--+-', '--+--']);
  });

  it('shows the sentiment on the Turn, and null on a turn committed without one', async () => {
    const s = await f.store.create('t', {});
    const { ref } = await runTurn(s.id, 'negative');
    expect((await f.store.getTurn('t', ref.turnId))?.sentiment).toEqual(feeling('negative'));
    const plain = (await f.submit(s.id, 'x')).ref;
    await f.pipeline.start(plain);
    await f.pipeline.commitIntent(plain, intent, 'problem_solving');
    const snap = await f.pipeline.beginResponse(plain, { maxTokens: 1000, maxMessages: 10 });
    expect(snap).toMatchObject({ sentiment: null, sentimentTrend: '-' });
    expect((await f.store.getTurn('t', plain.turnId))?.sentiment).toBeNull();
  });
});
