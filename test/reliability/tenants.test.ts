import nodeCrypto = require('node:crypto');
import type { Request, Response } from 'express';
import { authenticate } from '../../services/gateway/middleware/authenticate';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';
import { simConfig } from '../support';

/**
 * TURNQ_API_KEYS maps keys to tenants. A session belongs to the tenant that created it: another tenant
 * gets the same 404 as for a session that does not exist, on every route, and changes nothing. Keys
 * are compared in constant time: every configured key is compared, over fixed-length digests.
 */
describe('tenants', () => {
  let stack: Stack;
  const alpha = () => client(stack.baseUrl, 'key-alpha-0123456789');
  const beta = () => client(stack.baseUrl, 'key-beta-9876543210');

  beforeAll(async () => {
    stack = await startStack({
      workers: { 'intent-worker': 1, 'response-worker': 1, 'summary-worker': 0 },
      env: { TURNQ_API_KEYS: 'key-alpha-0123456789=alpha,key-beta-9876543210=beta', LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0' },
    });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('answers another tenant 404 on every route of a session, exactly as for an unknown one, and changes nothing', async () => {
    const a = alpha();
    const s = await a.session({ userId: 'alice', metadata: { plan: 'pro' } });
    const done = (await a.submit(s.id, 'hello', '?wait=20', { 'idempotency-key': 'k1' })).json;
    expect(done.status).toBe('completed');
    await simConfig(stack, { latencyMs: 60_000 }); // the second turn stays running, the third queued
    const running = (await a.submit(s.id, 'second')).json;
    const queued = (await a.submit(s.id, 'third')).json;
    const [firstMessage] = await a.messages(s.id);
    const sessionBefore = (await a.http('GET', `/v1/sessions/${s.id}`)).json;

    const unknownSession = 'ses_' + 'Z'.repeat(20);
    const unknownTurn = `trn_${'Z'.repeat(20)}_1`;
    const routes: Array<[string, (sid: string, tid: string) => string, unknown?, Record<string, string>?]> = [
      ['GET', (sid) => `/v1/sessions/${sid}`],
      ['DELETE', (sid) => `/v1/sessions/${sid}`],
      ['GET', (sid) => `/v1/sessions/${sid}/messages`],
      ['GET', (sid) => `/v1/sessions/${sid}/messages?before=${firstMessage.id.replace(s.id.slice(4), sid.slice(4))}`],
      ['POST', (sid) => `/v1/sessions/${sid}/turns`, { content: 'hello' }],
      ['POST', (sid) => `/v1/sessions/${sid}/turns`, { content: 'other content' }, { 'idempotency-key': 'k1' }],
      ['GET', (_sid, tid) => `/v1/turns/${tid}`],
      ['DELETE', (_sid, tid) => `/v1/turns/${tid}`],
      ['GET', (_sid, tid) => `/v1/turns/${tid}/events`],
    ];
    const b = beta();
    for (const [method, path, body, headers] of routes) {
      for (const tid of [done.turnId, queued.turnId]) {
        const theirs = await b.http(method, path(s.id, tid), { body, headers });
        const unknown = await b.http(method, path(unknownSession, unknownTurn), { body, headers });
        expect([method, path(s.id, tid), theirs.status]).toEqual([method, path(s.id, tid), 404]);
        // nothing tells "exists, not yours" from "does not exist"
        expect({ ...theirs.json, detail: theirs.json.detail.replace(s.id, '').replace(tid, '') })
          .toEqual({ ...unknown.json, detail: unknown.json.detail.replace(unknownSession, '').replace(unknownTurn, '') });
      }
    }

    expect((await a.http('GET', `/v1/sessions/${s.id}`)).json).toEqual(sessionBefore);
    expect((await a.http('GET', `/v1/turns/${queued.turnId}`)).json.status).toBe('queued');
    expect((await a.http('GET', `/v1/turns/${running.turnId}`)).json.status).toBe('running');
    expect(await a.messages(s.id)).toHaveLength(2);
    // what beta could not do, alpha can
    expect((await a.http('DELETE', `/v1/turns/${queued.turnId}`)).json.status).toBe('cancelled');
    expect((await a.http('DELETE', `/v1/sessions/${s.id}`)).status).toBe(204);
  }, 60_000);

  it('answers 401 to a missing, wrong, truncated or extended key on every /v1 route, and keeps health routes open', async () => {
    const keys = [undefined, 'nope', 'key-alpha-012345678', 'key-alpha-01234567890', 'KEY-ALPHA-0123456789', 'key-alpha-0123456789 extra', ''];
    for (const key of keys) {
      for (const [m, p] of [['POST', '/v1/sessions'], ['GET', `/v1/sessions/ses_${'A'.repeat(20)}`], ['GET', `/v1/turns/trn_${'A'.repeat(20)}_1`]]) {
        const r = await client(stack.baseUrl).http(m, p, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
        expect([key, m, p, r.status]).toEqual([key, m, p, 401]);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    expect((await client(stack.baseUrl).http('GET', '/v1/sessions/x', { headers: { authorization: 'bearer key-alpha-0123456789' } })).status).toBe(404);
    for (const p of ['/healthz', '/readyz', '/metrics']) expect((await client(stack.baseUrl).http('GET', p)).status).toBe(200);
  });

  it('compares a presented key with every configured key over equal-length digests, matching or not', () => {
    const spy = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    try {
      const keys = new Map([['k-one', 'one'], ['k-two', 'two'], ['a-much-longer-key-three', 'three'], ['k-four', 'four']]);
      const mw = authenticate(keys);
      for (const header of ['Bearer k-one', 'Bearer k-four', 'Bearer k-on', 'Bearer a-much-longer-key-three-and-more', 'Bearer x', '', 'Basic k-one']) {
        spy.mockClear();
        const res = { locals: {} as Record<string, unknown> };
        let passed: unknown = 'not called';
        mw({ get: (h: string) => (h.toLowerCase() === 'authorization' ? header : undefined) } as unknown as Request, res as unknown as Response, (err?: unknown) => { passed = err; });
        expect([header, spy.mock.calls.length]).toEqual([header, keys.size]);
        for (const [x, y] of spy.mock.calls) expect([(x as Buffer).length, (y as Buffer).length]).toEqual([32, 32]);
        const tenant = { 'Bearer k-one': 'one', 'Bearer k-four': 'four' }[header];
        expect(tenant ? res.locals.tenant : (passed as { status?: number })?.status).toBe(tenant ?? 401);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
