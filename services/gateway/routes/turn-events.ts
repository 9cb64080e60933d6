import { Router, type Response } from 'express';
import type { StreamEvent } from '#libs/session';
import { HttpProblem } from '../http-problem';
import type { GatewayDeps } from '../gateway-deps';

/**
 * Server-Sent Events of one turn, replayed from the turn's event stream in Redis: ids start at 1, a
 * reconnect with Last-Event-ID gets every later event exactly once, and a client that comes after the
 * end gets the whole stream. `done` carries the final Turn, read when it is sent.
 */
export function turnEventsRouter({ store, hub, heartbeatMs = 15_000 }: GatewayDeps): Router {
  const r = Router();

  r.get('/v1/turns/:turnId/events', async (req, res) => {
    const tenant: string = res.locals.tenant;
    const turnId = req.params.turnId;
    if (!(await store.getTurn(tenant, turnId))) throw new HttpProblem(404, `turnId: no turn ${JSON.stringify(turnId.slice(0, 64))}`);
    const raw = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : '0');
    let last = /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : 0;

    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();

    let wake: (() => void) | null = null;
    let pending = false; // an announcement came while we were reading: read again instead of sleeping
    let closed = false;
    res.on('close', () => { closed = true; wake?.(); });
    const unsubscribe = await hub.subscribe(store.channelOf(turnId)!, () => { pending = true; wake?.(); });
    try {
      for (;;) {
        pending = false;
        const events = await store.events(turnId, last);
        for (const e of events) {
          if (closed) return;
          await send(res, e.type === 'done' ? { ...e, data: JSON.stringify(await store.getTurn(tenant, turnId)) } : e);
          last = e.id;
          if (e.type === 'done') return;
        }
        if (closed) return;
        if (pending) continue;
        const woke = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), heartbeatMs);
          wake = () => { clearTimeout(timer); resolve(true); };
        });
        wake = null;
        if (!woke && !closed) res.write(': keep-alive\n\n');
      }
    } finally {
      await unsubscribe();
      res.end();
    }
  });

  return r;
}

function send(res: Response, e: StreamEvent): Promise<void> {
  const ok = res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`);
  if (ok) return Promise.resolve();
  return new Promise((r) => {
    const done = () => { res.off('drain', done); res.off('close', done); r(); };
    res.once('drain', done).once('close', done);
  });
}
