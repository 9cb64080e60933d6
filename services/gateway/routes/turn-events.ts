import { Router } from 'express';
import { GONE, TERMINAL } from '#libs/session';
import { HttpProblem } from '../http-problem';
import { abortOnClose, followTurnEvents, writeSse } from '../follow-turn-events';
import type { GatewayDeps } from '../gateway-deps';

/**
 * Server-Sent Events of one turn, replayed from the turn's event stream in Redis: ids start at 1, a
 * reconnect with Last-Event-ID gets every later event exactly once, and a client that comes after the
 * end gets the whole stream. `done` carries the final Turn, read when it is sent. A stream whose turn
 * disappears (its session deleted or expired) ends with an `event: gone` naming why, within a read.
 */
export function turnEventsRouter(deps: GatewayDeps): Router {
  const { store, heartbeatMs = 15_000 } = deps;
  const r = Router();

  r.get('/v1/turns/:turnId/events', async (req, res) => {
    const tenant: string = res.locals.tenant;
    const turnId = req.params.turnId;
    const turn = await store.getTurn(tenant, turnId);
    if (!turn) throw new HttpProblem(404, `turnId: no turn ${JSON.stringify(turnId.slice(0, 64))}`);
    const raw = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : '0');
    const after = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : 0;

    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();

    const closed = abortOnClose(res).signal;
    try {
      await followTurnEvents(deps, turnId, {
        // a client already past the end of an ended turn (Last-Event-ID ≥ its last id) gets an empty, closed stream
        after, heartbeatMs, signal: closed, ended: TERMINAL.has(turn.status),
        onEvent: async (e) => {
          // `gone` is not one of the turn's events (it has no id): the reason the stream ends without a `done`
          if (e.type === 'gone') return writeSse(res, `event: gone\ndata: ${e.data}\n\n`);
          const turnNow = e.type === 'done' ? await store.getTurn(tenant, turnId) : null;
          if (e.type === 'done' && !turnNow) return writeSse(res, `event: gone\ndata: ${GONE.data}\n\n`);
          const data = e.type === 'done' ? JSON.stringify(turnNow) : e.data;
          await writeSse(res, `id: ${e.id}\nevent: ${e.type}\ndata: ${data}\n\n`);
        },
        onIdle: () => { res.write(': keep-alive\n\n'); },
      });
    } finally {
      res.end();
    }
  });

  return r;
}
