import { type LoggedRequest, RequestLog } from './request-log';

const entry = (n: number): LoggedRequest => ({
  at: new Date(n).toISOString(), model: `m${n}`, messages: [], maxTokens: null, stream: false, json: false,
  promptTokens: n, kind: 'chat', outcome: 'completed', completionTokens: 1,
});

describe('RequestLog', () => {
  it('returns the most recent entries oldest first', () => {
    const log = new RequestLog(3);
    [1, 2].forEach((n) => log.add(entry(n)));
    expect(log.recent().map((e) => e.promptTokens)).toEqual([1, 2]);
    [3, 4, 5].forEach((n) => log.add(entry(n)));
    expect(log.recent().map((e) => e.promptTokens)).toEqual([3, 4, 5]);
    expect(log.recent(2).map((e) => e.promptTokens)).toEqual([4, 5]);
  });

  it('forgets everything on clear', () => {
    const log = new RequestLog(2);
    log.add(entry(1));
    log.clear();
    expect(log.recent()).toEqual([]);
    log.add(entry(7));
    expect(log.recent().map((e) => e.promptTokens)).toEqual([7]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RequestLog(0)).toThrow(RangeError);
  });
});
