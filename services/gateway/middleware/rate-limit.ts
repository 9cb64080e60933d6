import type { RequestHandler } from 'express';
import type { Redis } from '#libs/redis';
import { HttpProblem } from '../http-problem';

/**
 * A per-key request budget per minute, shared by every gateway replica through Redis (a fixed
 * window: one INCR and one EXPIRE in a transaction). 0 turns it off.
 */
export function rateLimit(redis: Redis, namespace: string, perMinute: number): RequestHandler {
  return async (_req, res, next) => {
    if (perMinute <= 0) return next();
    const window = Math.floor(Date.now() / 60_000);
    const key = `{${namespace}-rl}:${res.locals.keyId}:${window}`;
    const replies = await redis.multi().incr(key).expire(key, 61).exec();
    const count = Number(replies?.[0]?.[1] ?? 0);
    if (count > perMinute) {
      const retry = Math.max(1, 60 - Math.floor((Date.now() / 1000) % 60));
      return next(new HttpProblem(429, `authorization: the rate limit of ${perMinute} requests per minute is used up`, { 'Retry-After': String(retry) }));
    }
    next();
  };
}
