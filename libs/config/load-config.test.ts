import { CLUSTER_DEFAULT_PARTITIONS, ConfigError, loadConfig } from './index';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const c = loadConfig({}, 9102);
    expect(c).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379', maxContextTokens: 4000, maxReplyTokens: 1000, sessionTtlSeconds: 3600,
      maxPendingTurns: 20, apiKeys: null, metricsPort: 9102, partitions: 1,
      models: { reply: 'gpt-4o-mini', intent: 'gpt-4o-mini', summary: 'gpt-4o-mini' },
    });
  });

  it('uses the simulator only when neither a key nor a base URL is set', () => {
    expect(loadConfig({}).llm).toMatchObject({ simulator: true, baseURL: 'http://127.0.0.1:8089/v1' });
    expect(loadConfig({ TURNQ_SIMULATOR_URL: 'http://llm-sim:8089/v1' }).llm.baseURL).toBe('http://llm-sim:8089/v1');
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', TURNQ_SIMULATOR_URL: 'http://llm-sim:8089/v1' }).llm).toMatchObject({ simulator: false, baseURL: undefined, apiKey: 'sk-x' });
    expect(loadConfig({ OPENAI_BASE_URL: 'http://localhost:11434/v1' }).llm).toMatchObject({ simulator: false, baseURL: 'http://localhost:11434/v1' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ OPENAI_API_KEY: '', OPENAI_BASE_URL: '', TURNQ_MAX_CONTEXT_TOKENS: '' }).llm.simulator).toBe(true);
  });

  it('takes the side-job models from TURNQ_MODEL unless set', () => {
    const c = loadConfig({ TURNQ_MODEL: 'gpt-4.1', TURNQ_SUMMARY_MODEL: 'gpt-4o-mini' });
    expect(c.models).toEqual({ reply: 'gpt-4.1', intent: 'gpt-4.1', summary: 'gpt-4o-mini' });
  });

  it('reads REDIS_CLUSTER_NODES as seed nodes and spreads partitions over the cluster by default', () => {
    const c = loadConfig({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis://u:p@redis-0.example:6380 ,[::1]:7002' });
    expect(c.redisClusterNodes).toEqual(['10.0.0.1:7000', 'redis://u:p@redis-0.example:6380', '[::1]:7002']);
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'rediss://a:6380,rediss://b:6380' }).redisClusterNodes).toHaveLength(2);
    expect(c.partitions).toBe(CLUSTER_DEFAULT_PARTITIONS);
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:1', TURNQ_PARTITIONS: '12' }).partitions).toBe(12);
    expect(loadConfig({}).redisClusterNodes).toBeNull();
  });

  it.each([['redis-0'], ['redis://redis-0'], ['http://a:1'], ['a:1,rediss://b:2']])('refuses REDIS_CLUSTER_NODES=%s', (v) => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: v })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  it('parses TURNQ_API_KEYS into key → tenant', () => {
    expect([...loadConfig({ TURNQ_API_KEYS: 'k1=acme, k2=globex' }).apiKeys!]).toEqual([['k1', 'acme'], ['k2', 'globex']]);
  });

  it.each([
    ['TURNQ_MAX_CONTEXT_TOKENS', 'lots'],
    ['TURNQ_SESSION_TTL_SECONDS', '-1'],
    ['TURNQ_MAX_PENDING_TURNS', '2.5'],
    ['REDIS_URL', 'localhost:6379'],
    ['OPENAI_BASE_URL', 'not a url'],
    ['TURNQ_API_KEYS', 'justakey'],
    ['TURNQ_CONTEXT_IMPORTANCE', 'maybe'],
    ['LOG_LEVEL', 'loud'],
  ])('stops on a bad %s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
