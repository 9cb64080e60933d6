/** A small JSON client for black-box tests of the gateway. */
export interface HttpResult<T = any> { status: number; headers: Headers; text: string; json: T }

export function client(baseUrl: string, key?: string) {
  async function http<T = any>(method: string, path: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string>; key?: string } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const k = opts.key ?? key;
    if (k) headers.authorization = `Bearer ${k}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) { payload = JSON.stringify(opts.body); headers['content-type'] ??= 'application/json'; }
    const res = await fetch(baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, text, json };
  }
  return {
    http,
    async session(body: Record<string, unknown> = {}) {
      const r = await http('POST', '/v1/sessions', { body });
      if (r.status !== 201) throw new Error(`create session: ${r.status} ${r.text}`);
      return r.json as { id: string };
    },
    submit: (sessionId: string, content: string, q = '', headers: Record<string, string> = {}) =>
      http('POST', `/v1/sessions/${sessionId}/turns${q}`, { body: { content }, headers }),
    async waitTurn(turnId: string, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await http('GET', `/v1/turns/${turnId}`);
        if (r.status === 200 && ['completed', 'failed', 'cancelled'].includes(r.json.status)) return r.json;
        if (Date.now() > end) throw new Error(`turn ${turnId} did not end: ${r.status} ${r.text.slice(0, 200)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async messages(sessionId: string) {
      const out: any[] = [];
      let before: string | null = null;
      for (;;) {
        const r: HttpResult = await http('GET', `/v1/sessions/${sessionId}/messages?limit=200${before ? `&before=${before}` : ''}`);
        if (r.status !== 200) throw new Error(`messages: ${r.status}`);
        out.unshift(...r.json.messages);
        if (!r.json.nextBefore) return out;
        before = r.json.nextBefore;
      }
    },
  };
}
