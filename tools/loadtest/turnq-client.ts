import { createHttpJson, NetworkError, type JsonReply } from './http-json';
import { readSse } from './read-sse';
import { applyTurn, TERMINAL, type TurnRecord } from './turn-record';

export interface TurnqClientOptions { url: string; key?: string; turnTimeoutMs: number; clock: () => number }

/**
 * The load generator's view of the public API (docs/api.md): sessions, turns followed to
 * their end by `?wait` or by the SSE stream, and the stored history for the order check. Every
 * failure becomes an error kind on the turn's record instead of an exception, so one bad turn never
 * stops a user's script.
 */
export function createTurnqClient(o: TurnqClientOptions) {
  const http = createHttpJson(o.url, o.key, o.turnTimeoutMs);
  const errorOf = (err: unknown) => (err instanceof NetworkError ? (err.code === 'timeout' ? 'timeout' : `network_${err.code}`) : 'client_error');

  async function createSession(userId: string): Promise<string | { error: string }> {
    try {
      const r = await http.call('POST', '/v1/sessions', { userId, metadata: { source: 'turnq-loadtest' } });
      return r.status === 201 && r.json?.id ? String(r.json.id) : { error: `session_http_${r.status}` };
    } catch (err) {
      return { error: `session_${errorOf(err)}` };
    }
  }

  /** Polls until the turn ends: the fallback of both modes (a `?wait` that timed out, a broken stream). */
  async function poll(rec: TurnRecord, deadline: number): Promise<void> {
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      const r = await http.call('GET', `/v1/turns/${rec.turnId}`);
      if (r.status !== 200) { rec.error ??= `poll_http_${r.status}`; return; }
      applyTurn(rec, r.json);
      if (TERMINAL.has(r.json.status)) return;
      if (o.clock() > deadline) { rec.error ??= 'timeout'; return; }
      await new Promise((res) => setTimeout(res, delay));
    }
  }

  /** Follows the SSE stream: time to first token is the first `delta`; deltas must add up to the response. */
  async function stream(rec: TurnRecord): Promise<boolean> {
    const res = await http.open('GET', `/v1/turns/${rec.turnId}/events`, undefined, { accept: 'text/event-stream' });
    if (res.statusCode !== 200) { res.resume(); rec.error ??= `sse_http_${res.statusCode}`; return false; }
    let text = '';
    let done = false;
    await readSse(res, (e) => {
      if (e.event === 'delta') {
        rec.firstDeltaMs ??= o.clock();
        text += (JSON.parse(e.data) as { text: string }).text;
      } else if (e.event === 'status' && (JSON.parse(e.data) as { restarted?: boolean }).restarted) {
        text = ''; // a retried reply streams again from its start
      } else if (e.event === 'done') {
        applyTurn(rec, JSON.parse(e.data));
        done = true;
        return false;
      }
    });
    if (done && rec.status === 'completed' && text !== rec.response) rec.error ??= 'stream_mismatch';
    return done;
  }

  /** Submits one turn and follows it to its end; fills `rec` in place. */
  async function runTurn(rec: TurnRecord): Promise<void> {
    const deadline = o.clock() + o.turnTimeoutMs;
    rec.sentMs = o.clock();
    try {
      const query = rec.follow === 'wait' ? `?wait=${Math.min(60, Math.ceil(o.turnTimeoutMs / 1000))}` : '';
      const r: JsonReply = await http.call('POST', `/v1/sessions/${rec.sessionId}/turns${query}`, { content: rec.input });
      rec.httpStatus = r.status;
      if (r.status !== 200 && r.status !== 202) { rec.error = `http_${r.status}`; return; }
      rec.acceptedMs = o.clock();
      applyTurn(rec, r.json);
      if (rec.follow === 'sse' && !TERMINAL.has(r.json.status)) {
        const ended = await stream(rec).catch((err: unknown) => { rec.error ??= `sse_${errorOf(err)}`; return false; });
        if (!ended) await poll(rec, deadline);
      } else if (!TERMINAL.has(r.json.status)) {
        await poll(rec, deadline);
      }
    } catch (err) {
      rec.error ??= errorOf(err);
      if (rec.turnId && !rec.status) await poll(rec, deadline).catch(() => undefined);
    } finally {
      rec.endedMs = o.clock();
    }
  }

  /** The whole stored history of a session, oldest first. */
  async function history(sessionId: string): Promise<Array<{ turnId: string; role: string; content: string }>> {
    const out: Array<{ turnId: string; role: string; content: string }> = [];
    let before: string | null = null;
    for (;;) {
      const r: JsonReply = await http.call('GET', `/v1/sessions/${sessionId}/messages?limit=200${before ? `&before=${encodeURIComponent(before)}` : ''}`);
      if (r.status !== 200) throw new Error(`messages of ${sessionId}: HTTP ${r.status}`);
      out.unshift(...(r.json.messages as typeof out));
      if (!r.json.nextBefore) return out;
      before = r.json.nextBefore;
    }
  }

  const getTurn = (turnId: string) => http.call('GET', `/v1/turns/${turnId}`);

  return { createSession, runTurn, history, getTurn, close: () => http.close() };
}

export type TurnqClient = ReturnType<typeof createTurnqClient>;
