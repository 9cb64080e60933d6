import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { buildOpenApi } from '../openapi/build-openapi';

/*
 * The renderer is Swagger UI (swagger-ui-dist): one dependency-free package of static files, kept by
 * SmartBear and released monthly, that renders OpenAPI 3.1 and runs offline from two files (~1.9 MB).
 * Redoc's standalone bundle is read-only (no "try it out") and redoc 3 pulls in a telemetry package;
 * @scalar/api-reference drags ~40 packages and a Vue app into the install. The validator badge is off
 * (validatorUrl: null), the only thing Swagger UI would otherwise fetch from the internet.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript' },
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css' },
};
const DIST = dirname(require.resolve('swagger-ui-dist/package.json'));

const INIT = `'use strict';
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', validatorUrl: null, deepLinking: true,
  docExpansion: 'list', defaultModelsExpandDepth: 0, persistAuthorization: false });
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>turnq API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs.js"></script>
</body>
</html>
`;

/** Swagger UI sets styles from script; everything else comes from this gateway. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
  + "font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET /openapi.json (the document) and GET /docs (the reference page rendered from it); public like /healthz. */
export function apiDocsRouter(): Router {
  const r = Router();
  let document: string | null = null; // built on first request: nothing added to the gateway's start
  const files = new Map<string, Buffer>();
  const headers = { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };

  r.get('/openapi.json', (_req, res) => { res.set(headers).type('application/json').send(document ??= JSON.stringify(buildOpenApi())); });
  r.get('/docs', (_req, res) => {
    res.set({ ...headers, 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer' }).type('html').send(PAGE);
  });
  r.get('/docs/assets/:file', (req, res, next) => {
    if (req.params.file === 'docs.js') { res.set(headers).type('text/javascript').send(INIT); return; }
    const asset = ASSETS[req.params.file];
    if (!asset) return next();
    let body = files.get(asset.file);
    if (!body) files.set(asset.file, body = readFileSync(join(DIST, asset.file)));
    res.set(headers).type(asset.type).send(body);
  });
  return r;
}
