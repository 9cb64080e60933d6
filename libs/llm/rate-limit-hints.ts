/**
 * How a provider's error answer is read beyond its status: whether a 429 is a pause or a dead end,
 * and how long a pause lasts.
 */

type Header = (name: string) => string | null | undefined;

const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'account_deactivated', 'access_terminated']);
const QUOTA_TEXT = /exceeded your current quota|insufficient[ _](quota|credit|balance|funds)|billing (details|hard limit)|no credits|out of credits|account (is )?(deactivated|suspended|disabled)/i;

/**
 * True when the error body says the account cannot be served (e.g. OpenAI's 429 `insufficient_quota`,
 * "You exceeded your current quota"): waiting does not help, unlike a rate limit.
 */
export function isQuotaExhausted(e: { code?: unknown; type?: unknown; message?: unknown } | null | undefined): boolean {
  if (!e) return false;
  if (QUOTA_CODES.has(String(e.code ?? '')) || QUOTA_CODES.has(String(e.type ?? ''))) return true;
  return typeof e.message === 'string' && QUOTA_TEXT.test(e.message);
}

/**
 * A provider's rate-limit hint in ms: `retry-after-ms`, else `retry-after` (seconds or an HTTP date),
 * else the later of OpenAI's `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens` (durations such
 * as `1s`, `6m0s`, `20ms`); null when there is none.
 */
export function retryAfterMs(header: Header, nowMs = Date.now()): number | null {
  const ms = Number(header('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const ra = header('retry-after')?.trim();
  if (ra) {
    const s = Number(ra);
    if (Number.isFinite(s) && s > 0) return s * 1000;
    const at = Date.parse(ra);
    if (Number.isFinite(at) && at > nowMs) return at - nowMs;
  }
  const resets = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens'].map((n) => duration(header(n))).filter((v): v is number => v !== null);
  return resets.length ? Math.max(...resets) : null;
}

/** `6m0s`, `1.5s`, `20ms`, `1h2m` → ms; a bare number is seconds. */
function duration(v: string | null | undefined): number | null {
  if (!v) return null;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    matched += m[0];
  }
  return matched === t && total > 0 ? total : null;
}
