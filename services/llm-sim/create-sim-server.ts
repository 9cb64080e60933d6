import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Logger } from 'pino';
import { cachedCounter, chatPromptTokens, tokenCounter, type TokenCounter } from '#libs/tokens';
import { answerJson, answerStream } from './answer-completion';
import { readEmbeddingsRequest } from './answer-embeddings';
import { parseChatRequest } from './chat-request';
import { fitToMaxTokens } from './fit-to-max-tokens';
import { badRequest, notFound, rateLimited, sendError, sendJson, serverError } from './openai-error';
import { type ReplyKind, planReply } from './plan-reply';
import { type LoggedRequest, RequestLog } from './request-log';
import type { Random } from './seeded-random';
import { type SimKnobs, patchKnobs } from './sim-config';

export interface SimServerOptions {
  knobs: SimKnobs;
  log: Logger;
  /** How many recent requests GET /_sim/requests can return. */
  requestLogSize?: number;
  /** Randomness for fault injection (rates, jitter); replies themselves never depend on it. */
  random?: Random;
  maxBodyBytes?: number;
}

/* Names listed by GET /v1/models; any other name is accepted too (Ollama, vLLM, custom deployments). */
const LISTED_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5', 'o4-mini', 'gpt-4', 'gpt-3.5-turbo'];

/** The simulator as a plain node HTTP server; the caller listens and closes it. */
export function createSimServer(opts: SimServerOptions): Server {
  let knobs: SimKnobs = { ...opts.knobs };
  const random = opts.random ?? Math.random;
  const requests = new RequestLog(opts.requestLogSize ?? 1000);
  const maxBodyBytes = opts.maxBodyBytes ?? 10 * 1024 * 1024;
  const log = opts.log;
  let seq = 0;
  // A session's history comes back with every request, and canned replies repeat: count each text once.
  const counters = new Map<string, TokenCounter>();
  const counterFor = (model: string) => {
    const encoding = tokenCounter(model).encoding;
    let c = counters.get(encoding);
    if (!c) counters.set(encoding, (c = cachedCounter(tokenCounter(encoding), 5000)));
    return c;
  };

  function chatCompletions(res: ServerResponse, body: unknown): void {
    const parsed = parseChatRequest(body);
    if (!parsed.ok) return badRequest(res, parsed.message, parsed.param);
    const req = parsed.request;
    const k = knobs;
    const counter = counterFor(req.model);
    const promptTokens = chatPromptTokens(counter, req.messages);
    const plan = planReply(req, counter, { badJsonRate: k.badJsonRate, random });
    const reply = fitToMaxTokens(counter, plan.text, req.maxTokens);
    const started = Date.now();
    const entry = requests.add({
      at: new Date(started).toISOString(), model: req.model, messages: req.messages, maxTokens: req.maxTokens, stream: req.stream,
      json: req.json, promptTokens, kind: plan.kind, outcome: 'pending', completionTokens: null,
    });
    log.debug({ model: req.model, promptTokens, stream: req.stream, kind: plan.kind }, 'chat completion requested');

    if (injectFault(res, entry, plan.kind)) return;
    const answer = {
      id: `chatcmpl-sim-${started.toString(36)}${(seq++).toString(36)}`,
      created: Math.floor(started / 1000),
      model: req.model,
      reply,
      promptTokens,
      delayMs: k.latencyMs + (k.latencyJitterMs > 0 ? Math.floor(random() * k.latencyJitterMs) : 0),
      tokensPerSecond: k.tokensPerSecond,
      breakMidway: faultsApply(plan.kind) && k.breakRate > 0 && random() < k.breakRate,
      counter,
      onEnd: (outcome: typeof entry.outcome) => {
        entry.outcome = outcome;
        entry.completionTokens = reply.completionTokens;
        log.debug({ outcome, completionTokens: reply.completionTokens, ms: Date.now() - started }, 'chat completion ended');
      },
    };
    if (req.stream) answerStream(res, answer, req.includeUsage);
    else answerJson(res, answer);
  }

  function embeddings(res: ServerResponse, body: unknown): void {
    const req = readEmbeddingsRequest(res, body, counterFor);
    if (!req.ok) return;
    const entry = requests.add({
      at: new Date().toISOString(), model: req.model, messages: req.inputs.map((content) => ({ role: 'user', content })), maxTokens: null,
      stream: false, json: false, promptTokens: req.promptTokens, kind: 'embed', outcome: 'pending', completionTokens: null,
    });
    if (injectFault(res, entry, 'embed')) return;
    req.answer();
    entry.outcome = 'completed';
  }

  const faultsApply = (kind: ReplyKind) => knobs.faultKinds.length === 0 || knobs.faultKinds.includes(kind);

  /** The 429 and 500 knobs, alike for every endpoint (429 checked first); true when it answered with one. */
  function injectFault(res: ServerResponse, entry: LoggedRequest, kind: ReplyKind): boolean {
    if (!faultsApply(kind)) return false;
    if (knobs.rateLimitRate > 0 && random() < knobs.rateLimitRate) {
      entry.outcome = 'rate_limited';
      rateLimited(res);
      return true;
    }
    if (knobs.failRate > 0 && random() < knobs.failRate) {
      entry.outcome = 'failed';
      serverError(res);
      return true;
    }
    return false;
  }

  function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: unknown): void {
    const key = `${req.method} ${path}`;
    if (key === 'POST /v1/chat/completions') return chatCompletions(res, body);
    if (key === 'POST /v1/embeddings') return embeddings(res, body);
    if (key === 'GET /healthz') return sendJson(res, 200, { status: 'ok' });
    if (key === 'GET /v1/models') return sendJson(res, 200, { object: 'list', data: LISTED_MODELS.map(modelObject) });
    if (req.method === 'GET' && path.startsWith('/v1/models/')) return sendJson(res, 200, modelObject(decodeURIComponent(path.slice(11))));
    if (key === 'GET /_sim/config') return sendJson(res, 200, knobs);
    if (key === 'POST /_sim/config') {
      const patched = patchKnobs(knobs, body ?? {});
      if (!patched.ok) return badRequest(res, patched.message);
      knobs = patched.knobs;
      log.info({ knobs }, 'simulator knobs changed');
      return sendJson(res, 200, knobs);
    }
    if (key === 'GET /_sim/requests') {
      const raw = query.get('limit');
      const limit = raw === null ? requests.capacity : Number(raw);
      if (!Number.isInteger(limit) || limit < 1) return badRequest(res, `Invalid 'limit': expected a positive integer`, 'limit');
      return sendJson(res, 200, { requests: requests.recent(limit) });
    }
    if (key === 'DELETE /_sim/requests') {
      requests.clear();
      return void res.writeHead(204).end();
    }
    notFound(res, req.method ?? '?', path);
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    readBody(req, maxBodyBytes, (err, text) => {
      if (err === 'too_large') return sendError(res, 413, { message: `Request body over ${maxBodyBytes} bytes.`, type: 'invalid_request_error' });
      if (err) return;
      let body: unknown;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          return badRequest(res, 'We could not parse the JSON body of your request.');
        }
      }
      try {
        route(req, res, path, query, body);
      } catch (e) {
        log.error({ err: e, path }, 'simulator request failed');
        if (!res.headersSent) serverError(res);
        else res.destroy();
      }
    });
  });
  // Longer than clients' keep-alive, so a load test never races the server closing an idle socket.
  server.keepAliveTimeout = 65_000;
  return server;
}

function modelObject(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'turnq-llm-sim' };
}

function readBody(req: IncomingMessage, limit: number, done: (err: 'too_large' | 'aborted' | null, text: string) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > limit) {
      failed = true;
      return done('too_large', '');
    }
    parts.push(chunk);
  });
  req.on('end', () => !failed && done(null, Buffer.concat(parts).toString('utf8')));
  req.on('error', () => {
    if (!failed) done('aborted', '');
    failed = true;
  });
}
