import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { createMetrics } from '#libs/metrics';
import { createQueues } from '#libs/queue';
import { createRedis } from '#libs/redis';
import { createMemoryStore } from '#libs/memory';
import { createSessionStore } from '#libs/session';
import { createLogger } from '#libs/logger';
import { createApp } from '../../services/gateway/app';
import { createEventHub } from '../../services/gateway/event-hub';
import { API_VERSION } from '../../services/gateway/openapi/build-openapi';
import { registeredRoutes } from '../../services/gateway/registered-routes';
import { DOCUMENT_PATH, ROOT, documentText } from '../../scripts/write-openapi';
import { deref, documentValidator, operations } from '../openapi-schema';

const committed = readFileSync(DOCUMENT_PATH, 'utf8');
const doc = JSON.parse(committed);

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` writes from the gateway\'s schemas today, and so are the client types', () => {
    expect(committed).toBe(documentText());
    // the built script (npm test builds first) also regenerates the openapi-typescript types, an ES module jest cannot load
    const check = spawnSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'write-openapi.js'), '--check'], { encoding: 'utf8' });
    expect([check.status, check.stderr.trim()]).toEqual([0, '']);
  });

  it('carries package.json\'s version', () => {
    expect(API_VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  // @seriousme/openapi-schema-validator (the OpenAPI Initiative's 3.1 JSON schemas) and @redocly/openapi-core's lint
  const checked = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'test', 'openapi-check.mjs'), DOCUMENT_PATH], { encoding: 'utf8' })) as {
    valid: boolean; errors: unknown[]; lint: Array<{ severity: string; ruleId: string; message: string; pointer?: string }>;
  };

  it('is a valid OpenAPI 3.1 document (the official schema)', () => {
    expect(checked.errors).toEqual([]);
    expect(checked.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('passes Redocly\'s recommended lint rules without an error', () => {
    const problems = checked.lint;
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.pointer}`);
    expect(errors).toEqual([]);
    // warnings left are by design: the 400 examples carry the invalid input they document, and probes have no 4xx
    const warned = new Set(problems.map((p) => p.ruleId));
    expect([...warned].sort()).toEqual(['no-invalid-media-type-examples', 'no-invalid-parameter-examples', 'operation-4xx-response']);
  });

  it('has response examples that validate against their own schemas, error bodies included', () => {
    const validate = documentValidator(doc);
    let checked = 0;
    for (const { method, path, op } of operations(doc)) {
      for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
        for (const [type, media] of Object.entries((deref(doc, r).content ?? {}) as Record<string, any>)) {
          if (!type.includes('json')) continue;
          for (const [name, example] of Object.entries((media.examples ?? {}) as Record<string, any>)) {
            expect([method, path, status, name, validate(media.schema, example.value)]).toEqual([method, path, status, name, null]);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('documents security, the SSE event types, problem+json and Korean and English examples', () => {
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['apiKey']));
    const events = doc.components.schemas.TurnEvent.oneOf.map((e: any) => e.properties.event.const);
    expect(events).toEqual(['status', 'delta', 'done', 'gone']);
    const headerNames = JSON.stringify(doc);
    for (const h of ['Authorization', 'Idempotency-Key', 'Last-Event-ID', 'X-Session-Id', 'Retry-After', 'Location']) {
      expect([h, headerNames.includes(h === 'Authorization' ? '"bearer"' : `"${h}"`)]).toEqual([h, true]);
    }
    expect(committed).toMatch(/[가-힣]/);
    expect(doc.paths['/v1/sessions/{sessionId}/turns'].post.responses['400'].content['application/problem+json']).toBeDefined();
  });
});

describe('the document and the express app', () => {
  const redis = createRedis(process.env.REDIS_URL!, 'producer');
  const subscriber = createRedis(process.env.REDIS_URL!, 'worker');
  const namespace = `oad${Math.random().toString(36).slice(2, 8)}`;
  const queues = createQueues({ connection: redis, namespace, partitions: 1, attempts: 1, backoffMs: 1000, sessionTtlSeconds: 60 });
  afterAll(async () => { await queues.close(); subscriber.disconnect(); redis.disconnect(); });

  /** `/v1/sessions/:id` and `/v1/sessions/{sessionId}` are one path. */
  const shape = (p: string) => p.replace(/:\w+/g, '{}').replace(/\{\w+\}/g, '{}');

  it('agree both ways: every registered route is documented and every documented operation is registered', async () => {
    const hub = await createEventHub(subscriber, namespace);
    const app = createApp({
      redis, queues, hub, store: createSessionStore({ redis, namespace, partitions: 1, ttlSeconds: 60 }),
      memory: { store: createMemoryStore({ redis, namespace, partitions: 1, maxPerUser: 10 }), embed: async () => new Float32Array(8) },
      metrics: createMetrics({ service: 'gateway' }), logger: createLogger('gateway', 'silent'),
      apiKeys: null, adminKey: 'admin', maxPendingTurns: 20, rateLimitPerMinute: 0, namespace, partitions: 1,
    });
    const served = registeredRoutes(app).flatMap((r) => r.methods.map((m) => `${m} ${shape(r.path)}`)).sort();
    const documented = operations(doc).map((o) => `${o.method} ${shape(o.path)}`).sort();
    expect(served).toEqual(expect.arrayContaining(['GET /admin/queues', 'POST /v1/sessions/{}/turns', 'GET /docs/assets/{}', 'GET /v1/models/{}']));
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((s) => !documented.includes(s))).toEqual([]);
    expect(documented.filter((d) => !served.includes(d))).toEqual([]);
  });
});
