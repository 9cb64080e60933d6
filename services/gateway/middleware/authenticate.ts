import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpProblem } from '../http-problem';

/** The tenant every request acts as when auth is off. */
export const PUBLIC_TENANT = 'public';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Bearer keys compared in constant time: every configured key is compared (no early exit) over
 * fixed-length digests, so neither a key's length nor its prefix leaks through timing.
 */
export function authenticate(apiKeys: Map<string, string> | null): RequestHandler {
  const table = apiKeys ? [...apiKeys].map(([key, tenant]) => ({ digest: digest(key), tenant })) : null;
  return (req, res, next) => {
    if (!table) { res.locals.tenant = PUBLIC_TENANT; res.locals.keyId = PUBLIC_TENANT; return next(); }
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const presented = digest(m ? m[1] : '');
    let tenant: string | null = null;
    for (const entry of table) if (timingSafeEqual(entry.digest, presented) && m) tenant = entry.tenant;
    if (!tenant) {
      return next(new HttpProblem(401, m ? 'authorization: the key is not valid' : 'authorization: a Bearer key is required',
        { 'WWW-Authenticate': 'Bearer' }));
    }
    res.locals.tenant = tenant;
    res.locals.keyId = presented.subarray(0, 8).toString('hex'); // names the key in rate-limit keys without storing it
    next();
  };
}
