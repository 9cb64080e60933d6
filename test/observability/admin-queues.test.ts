import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

const ADMIN_KEY = 'adm-7f3c9e1b-only-for-this-test';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function get(stack: Stack, path: string, authorization?: string, method = 'GET') {
  const res = await fetch(stack.baseUrl + path, { method, headers: authorization ? { authorization } : {} });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('bull-board without TURNQ_ADMIN_KEY', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Only the gateway: whether the board is mounted is decided there.
    stack = await startStack({ simulator: false, workers: { 'intent-worker': 0, 'response-worker': 0, 'summary-worker': 0 }, env: { TURNQ_ADMIN_KEY: '' } });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it('is not mounted: the page and its API are the plain problem+json 404 of any unknown path, key or not', async () => {
    for (const [path, auth] of [['/admin/queues', undefined], ['/admin/queues/api/queues', `Bearer ${ADMIN_KEY}`], ['/admin/queues/', basic('admin', ADMIN_KEY)]] as const) {
      const r = await get(stack, path, auth);
      expect([path, r.status, r.headers.get('content-type'), r.headers.get('www-authenticate')]).toEqual([path, 404, 'application/problem+json; charset=utf-8', null]);
    }
  });
});

describe('bull-board with TURNQ_ADMIN_KEY', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { TURNQ_ADMIN_KEY: ADMIN_KEY, TURNQ_PARTITIONS: '2', LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0' } });
  }, 180_000);
  afterAll(async () => { await stack?.stop(); });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong Bearer key', `Bearer ${ADMIN_KEY}x`],
    ['a Bearer key that is a prefix of the admin key', `Bearer ${ADMIN_KEY.slice(0, -1)}`],
    ['Basic auth with a wrong password', basic('admin', 'nope')],
    ['Basic auth with the key as the user name', basic(ADMIN_KEY, '')],
    ['Basic auth that is not user:password', `Basic ${Buffer.from(ADMIN_KEY).toString('base64')}`],
    ['another scheme', `Token ${ADMIN_KEY}`],
  ])('answers 401 with a Basic challenge to %s, on the page and on the API', async (_name, auth) => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const r = await get(stack, path, auth);
      expect([path, r.status, r.headers.get('www-authenticate')]).toEqual([path, 401, 'Basic realm="turnq admin"']);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.text).not.toContain(ADMIN_KEY);
    }
  });

  it('serves the UI as HTML to the right Bearer key and to Basic auth with the key as the password', async () => {
    for (const auth of [`Bearer ${ADMIN_KEY}`, basic('anyone', ADMIN_KEY), basic('', ADMIN_KEY)]) {
      const r = await get(stack, '/admin/queues', auth);
      expect([auth, r.status]).toEqual([auth, 200]);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(r.text).toContain('turnq queues');
      expect(r.headers.get('x-powered-by')).toBeNull();
      // the page's own assets load through the same guard, with the credentials a browser resends
      const base = /<base href="([^"]+)"/.exec(r.text)?.[1];
      const script = /<script defer src="(static\/js\/[^"]+\.js)"/.exec(r.text)?.[1];
      expect([base, typeof script]).toEqual(['/admin/queues/', 'string']);
      expect((await get(stack, `${base}${script}`, auth)).status).toBe(200);
      expect((await get(stack, `${base}${script}`)).status).toBe(401);
    }
  });

  it('lists every queue of every partition through its API, with the jobs of a finished turn', async () => {
    const api = client(stack.baseUrl);
    const s = await api.session();
    const turn = await api.submit(s.id, 'hello there', '?wait=30');
    expect(turn.json.status).toBe('completed');

    type Listed = { queues: Array<{ name: string; counts: Record<string, number> }> };
    const list = async (): Promise<Listed['queues']> => {
      const r = await get(stack, '/admin/queues/api/queues', `Bearer ${ADMIN_KEY}`);
      expect(r.status).toBe(200);
      return (JSON.parse(r.text) as Listed).queues;
    };
    const completed = (queues: Listed['queues'], stage: string) =>
      queues.filter((q) => q.name.endsWith(`:${stage}`)).reduce((n, q) => n + (q.counts.completed ?? 0), 0);
    // The turn is committed inside the response job, which BullMQ marks completed a moment later.
    let queues = await list();
    for (const end = Date.now() + 10_000; completed(queues, 'response') < 1 && Date.now() < end;) {
      await new Promise((r) => setTimeout(r, 100));
      queues = await list();
    }
    expect(queues.map((q) => q.name).sort()).toEqual(['p0:intent', 'p0:response', 'p0:summary', 'p1:intent', 'p1:response', 'p1:summary']);
    expect([completed(queues, 'intent'), completed(queues, 'response')]).toEqual([1, 1]);
  });

  it('is read-only: a request to pause or empty a queue is refused and changes nothing', async () => {
    const auth = `Bearer ${ADMIN_KEY}`;
    for (const action of ['pause', 'empty']) {
      const r = await get(stack, `/admin/queues/api/queues/${encodeURIComponent('p0:intent')}/${action}`, auth, 'PUT');
      expect([action, r.status]).toEqual([action, 405]);
    }
    const listed = JSON.parse((await get(stack, '/admin/queues/api/queues', auth)).text) as { queues: Array<{ name: string; isPaused: boolean; readOnlyMode: boolean }> };
    expect(listed.queues.every((q) => q.readOnlyMode && !q.isPaused)).toBe(true);
  });
});
