import type { Response } from 'express';
import type { Turn } from '#libs/session';
import { abortOnClose, followTurnEvents, writeSse } from '../follow-turn-events';
import type { GatewayDeps } from '../gateway-deps';
import { chunkOf, completionOf, turnEndedError, usageOf } from './completion-shapes';
import { OpenAiError } from './openai-error';
import { createStreamedText } from './streamed-text';

export interface AnswerOptions { tenant: string; turn: Turn; stream: boolean; includeUsage: boolean; model: string }

/**
 * Answers a submitted turn in OpenAI's format by following its event stream (the same replay as
 * GET /v1/turns/:id/events). Streaming: the 200 and the SSE headers go out with the first delta (or
 * the first keep-alive), so a turn that fails before its first token still gets a real 502; after that
 * a failure can only travel in the stream, as an `{ error }` chunk the OpenAI SDKs raise. A client that
 * leaves does not cancel the turn: turnq is stateful, the turn completes and stays in the history.
 */
export async function answerTurn(deps: GatewayDeps, res: Response, o: AnswerOptions): Promise<void> {
  const { store, heartbeatMs = 15_000 } = deps;
  const turnId = o.turn.turnId;
  const ac = abortOnClose(res);
  let final: Turn | null = null;
  let started = false;
  const text = createStreamedText();
  const sse = (payload: unknown) => writeSse(res, `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
  const start = async () => {
    if (started) return;
    started = true;
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    await sse(chunkOf(o.turn, o.model, o.includeUsage, { delta: { role: 'assistant', content: '' }, finish_reason: null }));
  };

  await followTurnEvents(deps, turnId, {
    after: 0, heartbeatMs, signal: ac.signal,
    onEvent: async (e) => {
      if (!o.stream) { /* only the final turn matters */ } else if (e.type === 'status' && (JSON.parse(e.data) as { restarted?: boolean }).restarted) {
        text.restart();
      } else if (e.type === 'delta') {
        const fresh = text.delta((JSON.parse(e.data) as { text: string }).text);
        if (fresh) { await start(); await sse(chunkOf(o.turn, o.model, o.includeUsage, { delta: { content: fresh }, finish_reason: null })); }
      }
      if (e.type === 'done') final = await store.getTurn(o.tenant, turnId);
    },
    onIdle: async () => {
      // a deleted session takes its event streams along: nothing will ever come, so stop following
      if (!(await store.getTurn(o.tenant, turnId))) { ac.abort(); return; }
      if (o.stream) { await start(); res.write(': keep-alive\n\n'); }
    },
  });
  const turn = final as Turn | null;
  if (res.destroyed) return;
  if (!turn) {
    if (!started) throw new OpenAiError(404, `the session of turn ${turnId} was deleted while it ran`, 'invalid_request_error', 'X-Session-Id', 'session_not_found', { 'x-should-retry': 'false' });
    res.end();
    return;
  }
  if (turn.status !== 'completed') {
    if (!started) throw turnEndedError(turn);
    await sse(turnEndedError(turn).body());
    res.end();
    return;
  }
  if (!o.stream) { res.json(completionOf(turn, o.model)); return; }
  await start();
  const model = turn.model ?? o.model;
  const rest = text.finish(turn.response ?? '');
  if (rest === null) {
    await sse(new OpenAiError(502, `the reply of turn ${turnId} was restarted after a model failure and came out different from the text already streamed; `
      + `the completed reply is in GET /v1/turns/${turnId}`, 'upstream_error', null, 'stream_restarted').body());
    res.end();
    return;
  }
  if (rest) await sse(chunkOf(turn, model, o.includeUsage, { delta: { content: rest }, finish_reason: null }));
  await sse(chunkOf(turn, model, o.includeUsage, { delta: {}, finish_reason: 'stop' }));
  if (o.includeUsage) await sse(chunkOf(turn, model, true, null, usageOf(turn)));
  await sse('[DONE]');
  res.end();
}
