import { isQuotaExhausted, retryAfterMs } from './rate-limit-hints';

const headers = (h: Record<string, string>) => (name: string) => h[name];

describe('rate-limit hints', () => {
  it('reads retry-after-ms, retry-after in seconds or as a date, and the later x-ratelimit-reset-*', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), now)).toBe(7000);
    expect(retryAfterMs(headers({ 'x-ratelimit-reset-requests': '20ms', 'x-ratelimit-reset-tokens': '1m30.5s' }))).toBe(90_500);
    expect(retryAfterMs(headers({ 'x-ratelimit-reset-tokens': '1h2m' }))).toBe(3_720_000);
    expect(retryAfterMs(headers({ 'x-ratelimit-reset-tokens': 'soon' }))).toBeNull();
    expect(retryAfterMs(headers({}))).toBeNull();
  });

  it('knows a dead quota by code, type or message, and a rate limit as not one', () => {
    expect(isQuotaExhausted({ code: 'insufficient_quota' })).toBe(true);
    expect(isQuotaExhausted({ type: 'insufficient_quota', code: null })).toBe(true);
    expect(isQuotaExhausted({ message: 'You exceeded your current quota, please check your plan and billing details.' })).toBe(true);
    expect(isQuotaExhausted({ code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM)' })).toBe(false);
    expect(isQuotaExhausted(undefined)).toBe(false);
  });
});
