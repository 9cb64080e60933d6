import { createMetrics, labelValues, setCollector } from './index';

describe('setCollector', () => {
  it('reads the gauge at every scrape, so the value is the one of that moment', async () => {
    const m = createMetrics({ service: 'gateway', defaultMetrics: false });
    let depth = 3;
    setCollector(m.queueJobs, (g) => {
      for (const state of labelValues.queueState) g.set({ queue: 'response', state }, state === 'waiting' ? depth : 0);
    });
    expect(await m.registry.getSingleMetricAsString('turnq_queue_jobs')).toContain('turnq_queue_jobs{queue="response",state="waiting",service="gateway"} 3');
    depth = 7;
    expect(await m.registry.getSingleMetricAsString('turnq_queue_jobs')).toContain('turnq_queue_jobs{queue="response",state="waiting",service="gateway"} 7');
  });

  it('exports no pending-sessions value from a process that never reads it (a worker)', async () => {
    const m = createMetrics({ service: 'response-worker', defaultMetrics: false });
    expect(await m.registry.getSingleMetricAsString('turnq_sessions_with_pending_turns')).not.toMatch(/^turnq_sessions_with_pending_turns\{/m);
  });

  it('waits for an async read', async () => {
    const m = createMetrics({ service: 'gateway', defaultMetrics: false });
    setCollector(m.sessionsWithPendingTurns, async (g) => {
      await new Promise((resolve) => setImmediate(resolve));
      g.set(4);
    });
    expect(await m.registry.metrics()).toContain('turnq_sessions_with_pending_turns{service="gateway"} 4');
  });

  it('empties the gauge and reports the error when the read fails, and the scrape still succeeds', async () => {
    const m = createMetrics({ service: 'gateway', defaultMetrics: false });
    const errors: unknown[] = [];
    let fail = false;
    setCollector(m.queueJobs, async (g) => {
      if (fail) throw new Error('Connection is closed.');
      g.set({ queue: 'intent', state: 'active' }, 2);
    }, { onError: (err) => errors.push(err) });
    expect(await m.registry.metrics()).toContain('state="active"');
    fail = true;
    const text = await m.registry.metrics();
    expect(text).not.toContain('state="active"');
    expect(text).toContain('# TYPE turnq_turns_total counter');
    expect(errors).toEqual([new Error('Connection is closed.')]);
  });

  it('gives up on a read slower than the timeout instead of holding the scrape', async () => {
    const m = createMetrics({ service: 'gateway', defaultMetrics: false });
    const errors: unknown[] = [];
    setCollector(m.sessionsWithPendingTurns, () => new Promise<void>(() => undefined), { timeoutMs: 50, onError: (err) => errors.push(err) });
    const text = await m.registry.metrics();
    expect(String(errors[0])).toMatch(/timed out after 50 ms/);
    expect(text).not.toMatch(/^turnq_sessions_with_pending_turns\{/m);
  });
});
