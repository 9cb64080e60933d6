import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort } from '#libs/redis';
import { CHROMIUM, CHROMIUM_ARGS, captureReport, capturePlayground } from './capture-playground';

const ROOT = join(__dirname, '..', '..', '..');
const OUT = resolve(ROOT, 'docs', 'screenshots');
const REPORT = resolve(ROOT, 'reports', 'screenshots-loadtest');

/**
 * `npm run screenshots`: starts a stack with `npm start`'s script (simulator, a free port, its own
 * namespace), drives the playground in Chromium and runs one load test, and writes
 * docs/screenshots/playground-{desktop,phone}-{light,dark}.png and loadtest-report.png (the report
 * itself stays in reports/screenshots-loadtest/).
 */
async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), TURNQ_NAMESPACE: `shots-${process.pid}`, METRICS_PORT: '0', LLM_SIM_PORT: '0', LOG_LEVEL: 'warn',
    LLM_SIM_TOKENS_PER_SECOND: '400' };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'TURNQ_API_KEYS']) delete env[k];
  const stack = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'start.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await untilUp(stack);
    const baseUrl = `http://127.0.0.1:${port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const { files } = await capturePlayground({ browser, baseUrl, outDir: OUT });
      for (const f of files) console.log(`screenshots: ${f}`);
      await run([join(ROOT, 'dist', 'tools', 'turnq.js'), 'loadtest', '--url', baseUrl, '--users', '24', '--turns', '6', '--think-ms', '400', '--out', REPORT]);
      const file = join(OUT, 'loadtest-report.png');
      await captureReport(browser, REPORT, file);
      console.log(`screenshots: ${file} (report: ${REPORT}/index.html)`);
    } finally {
      await browser.close();
    }
  } finally {
    stack.kill('SIGTERM');
  }
}

function untilUp(child: ChildProcess): Promise<void> {
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('\nTry:')) ok();
    });
    child.once('exit', (code) => fail(new Error(`the stack exited (${code}) before it was up:\n${out}`)));
  });
}

function run(args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${args.slice(1, 3).join(' ')} exited ${code}`))));
  });
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(`screenshots: ${err.message}`);
  process.exit(1);
});
