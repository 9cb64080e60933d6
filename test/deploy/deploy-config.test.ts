import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { itWithTool, runTool } from './find-tool';
import { repoRoot, ruleFiles, rulesOf } from './promql-expressions';

const prometheusDir = join(repoRoot, 'deploy/prometheus');
const compose = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');

/** The top-level block of one compose service, as written (two-space indented under `services:`). */
function serviceBlock(name: string): string {
  const services = compose.slice(compose.indexOf('\nservices:\n'));
  const start = services.indexOf(`\n  ${name}:\n`);
  if (start < 0) throw new Error(`docker-compose.yml has no service ${name}`);
  const rest = services.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}\S|\n\S/);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

const workers = ['intent-worker', 'response-worker', 'summary-worker', 'memory-worker'];

describe('docker-compose.yml', () => {
  const withCompose = itWithTool('docker-compose');

  withCompose('is a valid compose file (docker-compose config -q)', () => {
    const res = runTool('docker-compose', ['-f', join(repoRoot, 'docker-compose.yml'), 'config', '-q'], undefined, repoRoot);
    expect(res.output).toBe('');
    expect(res.status).toBe(0);
  });

  withCompose('defines the whole stack', () => {
    const res = runTool('docker-compose', ['-f', join(repoRoot, 'docker-compose.yml'), 'config', '--services'], undefined, repoRoot);
    expect(res.output.trim().split('\n').sort()).toEqual(
      ['gateway', 'grafana', 'intent-worker', 'llm-sim', 'memory-worker', 'prometheus', 'redis', 'response-worker', 'summary-worker'],
    );
  });

  it('lets every worker scale: no container name anywhere and no host port on a worker', () => {
    expect(compose).not.toMatch(/container_name/);
    for (const w of workers) expect(serviceBlock(w)).not.toMatch(/\bports:/);
  });

  it('gives each worker the METRICS_PORT that Prometheus scrapes', () => {
    const scrape = readFileSync(join(prometheusDir, 'prometheus.yml'), 'utf8');
    for (const [service, port] of [['gateway', 3000], ['intent-worker', 9101], ['response-worker', 9102], ['summary-worker', 9103], ['memory-worker', 9104]] as const) {
      expect(scrape).toMatch(new RegExp(`job_name: ${service}\\n\\s+dns_sd_configs:\\n\\s+- names: \\[${service}\\]\\n\\s+type: A\\n\\s+port: ${port}\\n`));
      if (service !== 'gateway') expect(serviceBlock(service)).toContain(`METRICS_PORT: "${port}"`);
    }
  });

  it('runs Redis the way BullMQ needs it: AOF every second, noeviction, a volume, a healthcheck', () => {
    const redis = serviceBlock('redis');
    expect(redis).toContain('"--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"');
    expect(redis).toMatch(/redis-data:\/data/);
    expect(redis).toMatch(/healthcheck:/);
  });

  it('offers the workers the simulator, which they use only when no key and no base URL is set', () => {
    expect(compose).toContain('TURNQ_SIMULATOR_URL: http://llm-sim:8089/v1');
    expect(compose).toContain('OPENAI_BASE_URL: ${OPENAI_BASE_URL:-}');
    expect(compose).toContain('OPENAI_API_KEY: ${OPENAI_API_KEY:-}');
  });
});

describe('image', () => {
  const dockerfile = readFileSync(join(repoRoot, 'deploy/Dockerfile'), 'utf8');

  it('builds in one stage and runs in a second one without dev dependencies', () => {
    expect(dockerfile.match(/^FROM node:20-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('starts each service the way package.json does', () => {
    const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const service of ['gateway', ...workers, 'llm-sim']) {
      const [node, file] = scripts[service].split(' ');
      expect(serviceBlock(service)).toContain(`command: ["${node}", "${file}"]`);
    }
  });

  it('keeps secrets and local state out of the build context (.dockerignore is an allowlist)', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.filter((l) => l.startsWith('!')).sort()).toEqual(
      ['!libs', '!package-lock.json', '!package.json', '!scripts', '!services', '!tsconfig*.json'],
    );
  });
});

describe('prometheus configuration', () => {
  const withPromtool = itWithTool('promtool');

  withPromtool('passes promtool check config, rule files included', () => {
    const res = runTool('promtool', ['check', 'config', join(prometheusDir, 'prometheus.yml')]);
    expect(res.output).toContain('is valid prometheus config file syntax');
    expect(res.status).toBe(0);
  });

  withPromtool('passes promtool check rules, and every rule promtool counts is one the helpers read', () => {
    const res = runTool('promtool', ['check', 'rules', ...ruleFiles]);
    expect(res.status).toBe(0);
    const counts = [...res.output.matchAll(/SUCCESS: (\d+) rules found/g)].map((m) => Number(m[1]));
    expect(counts).toEqual(ruleFiles.map((f) => rulesOf(f).length));
  });

  withPromtool('passes promtool test rules (alerts.test.yml)', () => {
    const res = runTool('promtool', ['test', 'rules', 'alerts.test.yml'], undefined, prometheusDir);
    expect(res.output).toContain('SUCCESS');
    expect(res.status).toBe(0);
  });

  it('watches every turnq service it scrapes: a replica down, and the service missing', () => {
    const config = readFileSync(join(prometheusDir, 'prometheus.yml'), 'utf8');
    const scraped = [...config.matchAll(/job_name: (\S+)/g)].map((m) => m[1]).filter((j) => j !== 'prometheus');
    expect(scraped.sort()).toEqual(['gateway', ...workers].sort());
    const alerts = readFileSync(join(prometheusDir, 'alerts.yml'), 'utf8');
    const exprOf = (name: string) => alerts.slice(alerts.indexOf(`alert: ${name}\n`)).split(/\n\s*- alert: /)[0];
    for (const job of scraped) {
      expect(exprOf('TurnqTargetDown')).toMatch(new RegExp(`up\\{job=~"[^"]*\\b${job}\\b`));
      expect(exprOf('TurnqServiceMissing')).toContain(`absent(up{job="${job}"})`);
    }
  });

  it('has a unit test for each main alert', () => {
    const tests = readFileSync(join(prometheusDir, 'alerts.test.yml'), 'utf8');
    for (const alert of ['TurnqTargetDown', 'TurnqServiceMissing', 'TurnqQueueStuck', 'TurnqJobsActiveWithoutProgress', 'TurnqJobsStalled',
      'TurnqQueueBacklogGrowing', 'TurnqQueueWaitHigh', 'TurnqTurnLatencySLO', 'TurnqLLMErrorRatioHigh', 'TurnqJobsFailed',
      'TurnqEventLoopLagHigh', 'TurnqKeywordShareCollapsed', 'TurnqLLMQuotaExhausted', 'TurnqLLMRateLimitWaitExceeded']) {
      expect(tests).toContain(`alertname: ${alert}\n`);
    }
  });
});
