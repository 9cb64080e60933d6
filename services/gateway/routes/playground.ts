import { Router } from 'express';
import { HttpProblem } from '../http-problem';
import { koreanFont } from '../playground/korean-font';
import { pageHtml } from '../playground/page-html';
import { pageScriptNet } from '../playground/page-script-net';
import { pageScriptUi } from '../playground/page-script-ui';
import { pageStyle } from '../playground/page-style';

/*
 * Everything same-origin: the page only talks to this gateway, and with no inline code a reply that
 * slipped markup into the DOM still could not run script.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; connect-src 'self'; img-src 'self' data:; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SCRIPT = `'use strict';\n(function () {${pageScriptNet}${pageScriptUi}})();\n`;

/**
 * The web playground at GET /: a page served by the gateway itself (no front-end server, no CDN).
 * It is public like /healthz: the API key is typed into the page and sent by the page's own requests.
 * `auth` only decides whether the page asks for a key.
 */
export function playgroundRouter(o: { auth: boolean }): Router {
  const r = Router();
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  const font = koreanFont();
  const html = pageHtml({ auth: o.auth });
  const css = `${font.css}\n${pageStyle}`;
  r.get('/', (_req, res) => {
    res.set({ ...headers, 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' }).type('html').send(html);
  });
  r.get('/playground/app.js', (_req, res) => { res.set(headers).type('text/javascript').send(SCRIPT); });
  r.get('/playground/app.css', (_req, res) => { res.set(headers).type('text/css').send(css); });
  // Font slices never change within a package version: cached for a day, revalidated after.
  r.get('/playground/fonts/:file', (req, res) => {
    const path = font.path(req.params.file);
    if (!path) throw new HttpProblem(404, `path: no font file ${JSON.stringify(req.params.file.slice(0, 64))}`);
    res.sendFile(path, { headers: { 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' } });
  });
  return r;
}
