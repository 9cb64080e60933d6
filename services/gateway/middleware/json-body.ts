import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { HttpProblem } from '../http-problem';

const MAX_BODY = '64kb';
const parse = express.json({
  limit: MAX_BODY, type: () => true, strict: false,
  // JSON text is UTF-8 (RFC 8259): decoding other bytes would silently store U+FFFD instead of what was
  // sent, and the contract promises text back byte-exact or a 400.
  verify: (_req, _res, buf, encoding) => {
    if (/^utf-?8$/i.test(encoding) && !isUtf8(buf)) throw new HttpProblem(400, 'body: not valid UTF-8');
  },
});

const hasBody = (req: Parameters<RequestHandler>[0]): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * The contract's order: media type (415), then size (413), then syntax (400). A request without a body
 * needs no content type and reads as `{}`.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  if (!hasBody(req)) { req.body = {}; return next(); }
  const header = req.get('content-type') ?? '';
  const type = header.split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    return next(new HttpProblem(415, `content-type: expected application/json, got ${type || 'none'}`));
  }
  // JSON between systems is UTF-8 (RFC 8259 §8.1); other decoders drop or replace what they cannot read
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(header)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    return next(new HttpProblem(415, `content-type: expected charset utf-8, got ${JSON.stringify(charset.slice(0, 32))}`));
  }
  parse(req, res, next);
};
