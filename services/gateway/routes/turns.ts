import { Router } from 'express';
import { TERMINAL, type Turn } from '#libs/session';
import { confirmReplicated } from '../confirm-replicated';
import { dispatchTurn } from '../dispatch-turn';
import { HttpProblem, storeUnavailable } from '../http-problem';
import { jsonBody } from '../middleware/json-body';
import { idempotencyKey, parseOr400, singleValued, submitTurnBody, submitTurnQuery } from '../request-schemas';
import type { GatewayDeps } from '../gateway-deps';

export function turnsRouter(deps: GatewayDeps): Router {
  const { store, hub } = deps;
  const r = Router();
  const turnNotFound = (id: string) => new HttpProblem(404, `turnId: no turn ${JSON.stringify(id.slice(0, 64))}`);

  /**
   * Holds the answer until the turn ends or `seconds` pass (?wait), without polling; null when the
   * turn disappeared meanwhile (its session deleted or expired): never a stale copy.
   */
  async function settle(tenant: string, turn: Turn, seconds: number | undefined): Promise<Turn | null> {
    if (!seconds || TERMINAL.has(turn.status)) return turn;
    const channel = store.channelOf(turn.turnId)!;
    let latest: Turn | null = turn;
    const ended = async () => {
      latest = await store.getTurn(tenant, turn.turnId);
      return !latest || TERMINAL.has(latest.status);
    };
    await hub.waitForDone(channel, seconds * 1000, ended);
    // a turn that had already ended (or gone) when we subscribed needs no second read
    const known = latest as Turn | null;
    return known && TERMINAL.has(known.status) ? known : store.getTurn(tenant, turn.turnId);
  }

  r.post('/v1/sessions/:id/turns', jsonBody, async (req, res) => {
    const tenant: string = res.locals.tenant;
    const query = parseOr400(submitTurnQuery, singleValued(req.query), 'query');
    const body = parseOr400(submitTurnBody, req.body, 'body');
    const idemHeader = req.get('idempotency-key');
    const idem = idemHeader === undefined ? undefined : parseOr400(idempotencyKey, idemHeader, 'header.Idempotency-Key');
    const result = await store.submit(tenant, String(req.params.id), {
      content: body.content, idempotencyKey: idem, maxPending: deps.maxPendingTurns, replyTo: query.wait ? hub.replyChannelOf(store.keysOf(String(req.params.id)).partition) : undefined,
    });
    switch (result.kind) {
      case 'not_found': throw new HttpProblem(404, `sessionId: no session ${JSON.stringify(String(req.params.id).slice(0, 64))}`);
      case 'conflict': throw new HttpProblem(409, `header.Idempotency-Key: already used for turn ${result.turnId} with a different content`);
      case 'too_many': throw new HttpProblem(429, `sessionId: ${result.pending} turns are already pending (limit ${deps.maxPendingTurns})`, { 'Retry-After': '2' });
      case 'late': throw storeUnavailable();
      case 'duplicate': {
        // the first answer may have been a 503 because replicas did not confirm: confirm again
        await confirmReplicated(deps, result.turn.sessionId);
        const turn = await settle(tenant, result.turn, query.wait);
        if (!turn) throw turnNotFound(result.turn.turnId);
        res.status(200).location(`/v1/turns/${turn.turnId}`).json(turn);
        return;
      }
      case 'created': {
        // Waiting starts before the job exists; an end announced even sooner (a racing cancel) is kept by the hub.
        const replied = query.wait ? hub.awaitReply(store.channelOf(result.turn.turnId)!, query.wait * 1000) : null;
        if (result.dispatch) await dispatchTurn(deps, result.dispatch);
        await confirmReplicated(deps, result.turn.sessionId);
        let turn: Turn | null = result.turn;
        if (replied) {
          // the end brings the ended turn along; a wait that ran out answers with the turn as it is now;
          // a turn whose session was deleted meanwhile is 404, never a stale 202
          const ended = await replied;
          turn = ended === 'gone' ? null : ended ? store.turnFromFields(turn.turnId, ended) : await store.getTurn(tenant, turn.turnId);
          if (!turn) throw turnNotFound(result.turn.turnId);
        }
        res.status(TERMINAL.has(turn.status) ? 200 : 202).location(`/v1/turns/${turn.turnId}`).json(turn);
      }
    }
  });

  r.get('/v1/turns/:turnId', async (req, res) => {
    const turn = await store.getTurn(res.locals.tenant, req.params.turnId);
    if (!turn) throw turnNotFound(req.params.turnId);
    res.json(turn);
  });

  r.delete('/v1/turns/:turnId', async (req, res) => {
    const result = await store.cancel(res.locals.tenant, req.params.turnId);
    if (result.kind === 'not_found') throw turnNotFound(req.params.turnId);
    if (result.kind === 'conflict') throw new HttpProblem(409, `turnId: the turn is ${result.turn.status}; only a queued turn can be cancelled`);
    if (result.next) await dispatchTurn(deps, result.next);
    res.json(result.turn);
  });

  return r;
}
