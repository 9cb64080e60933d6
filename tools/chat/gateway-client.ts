import type { Message, Session, Turn } from '#libs/session';

/** A gateway answer that was not a success; `detail` is the problem's detail (it names the field). */
export class GatewayError extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(`${status}: ${detail}`);
    this.name = 'GatewayError';
  }
}

export interface TurnEvent { id: number; event: string; data: any }

/** The native turnq API as the terminal chat needs it; `fetch` only, no SDK. */
export function createGatewayClient(baseUrl: string, key: string | undefined) {
  const base = baseUrl.replace(/\/+$/, '');
  const headers = (extra: Record<string, string> = {}) => (key ? { ...extra, authorization: `Bearer ${key}` } : extra);

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(base + path, {
      method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below by status */ }
    if (!res.ok) throw new GatewayError(res.status, json?.detail ?? json?.error?.message ?? (text.slice(0, 200) || res.statusText));
    return json as T;
  }

  /**
   * Every event of a turn until `done`, as it arrives. After a dropped connection it reconnects with
   * Last-Event-ID, and the gateway replays exactly the missed events, so nothing is printed twice.
   */
  async function* follow(turnId: string): AsyncGenerator<TurnEvent> {
    let last = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${base}/v1/turns/${encodeURIComponent(turnId)}/events`, { headers: headers(last ? { 'last-event-id': String(last) } : {}) });
        if (!res.ok || !res.body) throw new GatewayError(res.status, `events of ${turnId}: ${await res.text()}`);
        for await (const e of parseSse(res.body)) {
          last = e.id;
          yield e;
          if (e.event === 'done') return;
        }
      } catch (err) {
        if (err instanceof GatewayError && err.status < 500) throw err;
        if (attempt >= 5) throw err;
      }
      await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
    }
  }

  return {
    baseUrl: base,
    createSession: (systemPrompt?: string) => call<Session>('POST', '/v1/sessions', systemPrompt ? { systemPrompt } : {}),
    getSession: (id: string) => call<Session>('GET', `/v1/sessions/${encodeURIComponent(id)}`),
    messages: (id: string) => call<{ messages: Message[]; nextBefore: string | null }>('GET', `/v1/sessions/${encodeURIComponent(id)}/messages?limit=200`),
    submit: (id: string, content: string) => call<Turn>('POST', `/v1/sessions/${encodeURIComponent(id)}/turns`, { content }),
    follow,
  };
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;

/** Server-Sent Events from a response body: blocks split on a blank line, comments (keep-alives) skipped. */
async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<TurnEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    const blocks = buf.split(/\r?\n\r?\n/);
    buf = blocks.pop()!;
    for (const block of blocks) {
      const e: TurnEvent = { id: 0, event: 'message', data: null };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i === 0 || !line) continue;
        const field = i < 0 ? line : line.slice(0, i);
        const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') e.event = value;
        else if (field === 'id') e.id = Number(value);
      }
      if (data.length) yield { ...e, data: JSON.parse(data.join('\n')) };
    }
  }
}
