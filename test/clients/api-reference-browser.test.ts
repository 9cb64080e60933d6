import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startStack, type Stack } from '../start-stack';
import { operations } from '../openapi-schema';

/* Debian's chromium package; CI installs it. Without it the suite is skipped, and says so. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`API reference browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'));

(haveChromium ? describe : describe.skip)('the API reference page (GET /docs) in Chromium, offline', () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '0' } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 90_000);
  afterAll(async () => { await browser?.close(); await stack?.stop(); });

  it('renders every documented operation from the gateway alone, asking nothing of any other host', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const elsewhere: string[] = [];
    // the network is the gateway: any request to another origin is refused and recorded
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(stack.baseUrl)) return route.continue();
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${stack.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });

    const shown = await page.locator('.opblock').evaluateAll((blocks) => blocks.map((b) => {
      const method = b.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
      const path = b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
      return `${method.toUpperCase()} ${path}`;
    }));
    const documented = operations(doc).map((o) => `${o.method} ${o.path}`);
    expect([...shown].sort()).toEqual([...documented].sort());
    expect(await page.locator('.info .title').textContent()).toContain('turnq');

    // one operation opened: its Korean example and the problem+json 400 are on the page
    await page.locator('.opblock-summary-path[data-path="/v1/sessions/{sessionId}/turns"]').click();
    const submit = page.locator('.opblock.is-open');
    await submit.locator('.responses-table').first().waitFor();
    expect(await submit.textContent()).toContain('application/problem+json');
    await page.screenshot({ path: '/tmp/turnq-api-reference.png', fullPage: false });

    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('links to the reference from the playground', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(`${stack.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    await page.close();
  }, 60_000);
});
