import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface JsonReply<T = any> { status: number; headers: IncomingMessage['headers']; text: string; json: T }

/** A transport failure (refused, reset, timed out): no HTTP status came back. */
export class NetworkError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

/**
 * A small JSON client over node:http with keep-alive and no socket cap. The load generator shares the
 * machine with the stack it measures, and node:http costs several times less CPU per request than
 * fetch, so the numbers describe the server rather than the client.
 */
export function createHttpJson(baseUrl: string, key?: string, timeoutMs = 120_000) {
  const base = new URL(baseUrl);
  const tls = base.protocol === 'https:';
  const agent = tls ? new HttpsAgent({ keepAlive: true, maxSockets: Infinity }) : new HttpAgent({ keepAlive: true, maxSockets: Infinity });
  const send = tls ? httpsRequest : httpRequest;
  const prefix = base.pathname.replace(/\/$/, '');

  function open(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (key) h.authorization = `Bearer ${key}`;
    if (payload !== undefined) {
      h['content-type'] = 'application/json';
      h['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = send({ protocol: base.protocol, hostname: base.hostname, port: base.port, path: prefix + path, method, headers: h, agent }, resolve);
      req.setTimeout(timeoutMs, () => req.destroy(new NetworkError('timeout', `${method} ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => reject(err instanceof NetworkError ? err : new NetworkError(err.code ?? 'network', err.message)));
      req.end(payload);
    });
  }

  async function call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<JsonReply<T>> {
    const res = await open(method, path, body, headers);
    res.setEncoding('utf8');
    let text = '';
    try {
      for await (const chunk of res) text += chunk;
    } catch (err) {
      throw new NetworkError((err as NodeJS.ErrnoException).code ?? 'network', (err as Error).message);
    }
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: the caller sees `text` */ }
    return { status: res.statusCode ?? 0, headers: res.headers, text, json };
  }

  return { call, open, close: () => agent.destroy() };
}

export type HttpJson = ReturnType<typeof createHttpJson>;
