import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { client } from '../http-client';
import { observabilityEnv } from '../observability/drive-load';
import { startStack, type ServiceName, type Stack } from '../start-stack';

/**
 * The pods run with a read-only root file system and no writable volume (deploy/k8s). This shows that
 * nothing needs one: every service runs under Node's permission model with reads allowed and every
 * file-system write refused (also child processes and worker threads), while turns go through all
 * three stages, a summary is written and the workers drain on SIGTERM. A write anywhere would throw
 * ERR_ACCESS_DENIED into a log or fail a turn.
 */
const readOnly = { NODE_OPTIONS: '--experimental-permission --allow-fs-read=*' };
const services: ServiceName[] = ['gateway', 'intent-worker', 'response-worker', 'summary-worker', 'llm-sim'];

describe('turnq with every file-system write refused', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: observabilityEnv, serviceEnv: Object.fromEntries(services.map((s) => [s, readOnly])) });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const log = (service: ServiceName) => readFileSync(join(stack.logDir, `${service}-0.log`), 'utf8');

  it('runs turns through every stage, summarizes, and drains on SIGTERM without writing a file', async () => {
    const api = client(stack.baseUrl);
    const { id } = await api.session({ systemPrompt: 'You are a concise tutor.' });
    const ended = [];
    // Enough turns for the 400-token budget of observabilityEnv to ask for a summary.
    for (let i = 0; i < 6; i++) {
      const t = await api.submit(id, `Turn ${i}: explain step by step how a web crawler retries a request that timed out.`, '?wait=30');
      ended.push(t.status === 200 ? t.json : await api.waitTurn(t.json.turnId));
    }
    expect(ended.map((t) => t.status)).toEqual(Array(6).fill('completed'));
    // The summary job runs after the reply that asked for it.
    const summaries = `http://127.0.0.1:${stack.of('summary-worker')[0].metricsPort}/metrics`;
    for (const end = Date.now() + 30_000; ;) {
      const metrics = await (await fetch(summaries)).text();
      if (/^turnq_summarizations_total\{outcome="completed"[^}]*\} [1-9]/m.test(metrics)) break;
      if (Date.now() > end) throw new Error(`no summary was written within 30 s:\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    for (const p of stack.of('intent-worker').concat(stack.of('response-worker'), stack.of('summary-worker'), stack.of('gateway'))) {
      expect([p.service, await stack.kill(p, 'SIGTERM')]).toEqual([p.service, 0]);
    }
    for (const s of services) {
      // The permission model was on in this process (Node says so once at start)...
      expect([s, log(s).includes('Permission is an experimental feature')]).toEqual([s, true]);
      // ...and nothing tried to write.
      expect([s, log(s).match(/ERR_ACCESS_DENIED.*/g)]).toEqual([s, null]);
    }
  }, 120_000);
});
