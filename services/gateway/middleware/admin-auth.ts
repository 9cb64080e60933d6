import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpProblem } from '../http-problem';

/** The realm a browser shows in its password prompt. */
export const ADMIN_REALM = 'turnq admin';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The key an admin request presents: `Authorization: Bearer <key>` for scripts, or HTTP Basic with the
 * key as the password (any user name) for a browser, which cannot send a Bearer header to a page it
 * navigates to but does remember Basic credentials for every later request of the UI.
 */
export function presentedAdminKey(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/**
 * Admits a request that presents the admin key. The comparison is over fixed-length digests in constant
 * time (as in authenticate.ts), so neither the key's length nor a matching prefix shows in the timing.
 * The 401 challenges with Basic so that a browser opens its login prompt.
 */
export function adminAuth(adminKey: string): RequestHandler {
  const expected = digest(adminKey);
  return (req, _res, next) => {
    const presented = presentedAdminKey(req.get('authorization'));
    const ok = timingSafeEqual(expected, digest(presented ?? '')) && presented !== null;
    if (ok) return next();
    next(new HttpProblem(401, presented === null ? 'authorization: the admin key is required (Bearer, or Basic with the key as password)'
      : 'authorization: the admin key is not valid', { 'WWW-Authenticate': `Basic realm="${ADMIN_REALM}"` }));
  };
}
