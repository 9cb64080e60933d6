import { DEFAULT_KNOBS, SimConfigError, parseSimEnv, patchKnobs } from './sim-config';

describe('parseSimEnv', () => {
  it('uses the contract defaults when nothing is set', () => {
    expect(parseSimEnv({})).toEqual({ port: 8089, logLevel: 'info', knobs: DEFAULT_KNOBS });
    expect(DEFAULT_KNOBS).toMatchObject({ latencyMs: 50, tokensPerSecond: 200, failRate: 0, rateLimitRate: 0 });
  });

  it('reads every knob from its variable', () => {
    const config = parseSimEnv({
      LLM_SIM_PORT: '18089', LLM_SIM_LATENCY_MS: '0', LLM_SIM_LATENCY_JITTER_MS: '25', LLM_SIM_TOKENS_PER_SECOND: '0',
      LLM_SIM_FAIL_RATE: '0.1', LLM_SIM_429_RATE: '0.2', LLM_SIM_BREAK_RATE: '0.3', LLM_SIM_BAD_JSON_RATE: '1', LOG_LEVEL: 'debug',
      LLM_SIM_FAULT_KINDS: 'embed, extract',
    });
    expect(config).toEqual({
      port: 18089,
      logLevel: 'debug',
      knobs: { latencyMs: 0, latencyJitterMs: 25, tokensPerSecond: 0, failRate: 0.1, rateLimitRate: 0.2, breakRate: 0.3, badJsonRate: 1, faultKinds: ['embed', 'extract'] },
    });
  });

  it('treats an empty variable as unset', () => {
    expect(parseSimEnv({ LLM_SIM_FAIL_RATE: '', LLM_SIM_PORT: ' ' }).port).toBe(8089);
  });

  it.each([
    ['LLM_SIM_FAIL_RATE', '1.5', 'a number from 0 to 1'],
    ['LLM_SIM_429_RATE', 'often', 'a number from 0 to 1'],
    ['LLM_SIM_BREAK_RATE', '-0.1', 'a number from 0 to 1'],
    ['LLM_SIM_LATENCY_MS', '12.5', 'an integer from 0 to'],
    ['LLM_SIM_TOKENS_PER_SECOND', 'fast', 'an integer from 0 to'],
    ['LLM_SIM_PORT', '70000', 'an integer from 0 to 65535'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error'],
    ['LLM_SIM_FAULT_KINDS', 'embed,chatter', 'a list of request kinds from chat, classify'],
  ])('rejects %s=%p naming the variable and what is expected', (name, value, expected) => {
    expect(() => parseSimEnv({ [name]: value })).toThrow(SimConfigError);
    expect(() => parseSimEnv({ [name]: value })).toThrow(new RegExp(`${name}="${value}" is invalid: expected ${expected}`));
  });

  it('lists every bad variable at once', () => {
    expect(() => parseSimEnv({ LLM_SIM_FAIL_RATE: '2', LLM_SIM_PORT: 'x' })).toThrow(/LLM_SIM_PORT[\s\S]*LLM_SIM_FAIL_RATE|LLM_SIM_FAIL_RATE[\s\S]*LLM_SIM_PORT/);
  });
});

describe('patchKnobs', () => {
  it('takes the kinds faults apply to as a list, and refuses an unknown kind', () => {
    expect(patchKnobs(DEFAULT_KNOBS, { faultKinds: ['embed'] })).toEqual({ ok: true, knobs: { ...DEFAULT_KNOBS, faultKinds: ['embed'] } });
    expect(patchKnobs(DEFAULT_KNOBS, { faultKinds: 'embed' })).toMatchObject({ ok: false, message: expect.stringContaining("Invalid 'faultKinds'") });
    expect(patchKnobs(DEFAULT_KNOBS, { faultKinds: ['nope'] })).toMatchObject({ ok: false, message: expect.stringContaining('a list of request kinds') });
  });

  it('changes only the knobs given', () => {
    expect(patchKnobs(DEFAULT_KNOBS, { latencyMs: 0, failRate: 0.5 })).toEqual({ ok: true, knobs: { ...DEFAULT_KNOBS, latencyMs: 0, failRate: 0.5 } });
  });

  it('accepts 429Rate as the name of the 429 share', () => {
    expect(patchKnobs(DEFAULT_KNOBS, { '429Rate': 1 })).toMatchObject({ ok: true, knobs: { rateLimitRate: 1 } });
  });

  it.each([
    [{ failRate: 2 }, "'failRate'"],
    [{ failRate: '0.5' }, "'failRate'"],
    [{ latencyMs: null }, "'latencyMs'"],
    [{ speed: 3 }, 'unknown knob speed'],
    [[1], "'body'"],
  ])('refuses %p', (patch, message) => {
    const result = patchKnobs(DEFAULT_KNOBS, patch);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toContain(message);
  });
});
