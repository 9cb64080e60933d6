import { Router } from 'express';
import { pageHtml } from '../playground/page-html';
import { pageScriptNet } from '../playground/page-script-net';
import { pageScriptUi } from '../playground/page-script-ui';
import { pageStyle } from '../playground/page-style';

/*
 * Everything same-origin: the page only talks to this gateway, and with no inline code a reply that
 * slipped markup into the DOM still could not run script.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
  + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SCRIPT = `'use strict';\n(function () {${pageScriptNet}${pageScriptUi}})();\n`;

/**
 * The web playground at GET /: a page served by the gateway itself (no front-end server, no CDN).
 * It is public like /healthz: the API key is typed into the page and sent by the page's own requests.
 */
export function playgroundRouter(): Router {
  const r = Router();
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  r.get('/', (_req, res) => {
    res.set({ ...headers, 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' }).type('html').send(pageHtml);
  });
  r.get('/playground/app.js', (_req, res) => { res.set(headers).type('text/javascript').send(SCRIPT); });
  r.get('/playground/app.css', (_req, res) => { res.set(headers).type('text/css').send(pageStyle); });
  return r;
}
