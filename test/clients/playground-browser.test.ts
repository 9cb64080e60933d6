import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/* Debian's chromium package; CI installs it. Without it the suite is skipped, and says so. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`playground browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);

(haveChromium ? describe : describe.skip)('web playground (GET /) in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  const KEY = 'play-key';
  const sim = (knobs: Record<string, number>) => fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });

  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '2000', TURNQ_API_KEYS: `${KEY}=t1` } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 90_000);
  afterAll(async () => { await browser?.close(); await stack?.stop(); });
  afterEach(async () => { await sim({ tokensPerSecond: 2000 }); });

  async function openPage(viewport = { width: 1200, height: 800 }): Promise<Page> {
    const page = await (await browser.newContext({ viewport, locale: 'ko-KR' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text()); });
    await page.goto(stack.baseUrl + '/');
    (page as Page & { errors: string[] }).errors = errors;
    return page;
  }

  it('streams a Korean turn\'s reply into the page and shows its intent badge, state and stats', async () => {
    await sim({ tokensPerSecond: 60 });
    const page = await openPage();
    await page.getByLabel('API key').fill(KEY);
    await page.getByLabel('Message').fill('안녕하세요! 처음 뵙겠습니다.');
    await page.getByLabel('Message').press('Enter');
    const reply = page.locator('.msg.assistant').last();
    // seen mid-stream: part of the text is there while the turn is still streaming
    await page.locator('.msg.assistant.streaming .text', { hasText: /.{10}/ }).waitFor({ timeout: 30_000 });
    await reply.locator('.badge.intent').waitFor({ timeout: 30_000 });
    expect(await reply.locator('.badge.intent').textContent()).toBe('greeting');
    expect(await reply.locator('.text').textContent()).toContain('보내신 메시지: "안녕하세요! 처음 뵙겠습니다."');
    expect(await reply.locator('.badge.tokens').textContent()).toMatch(/^\d+ \+ \d+ tokens$/);
    expect(await reply.locator('.badge.context').textContent()).toMatch(/^context \d+%/);
    expect(await page.locator('.msg.user .text').textContent()).toBe('안녕하세요! 처음 뵙겠습니다.');
    expect(await page.locator('#facts').textContent()).toContain('Messages2');
    await page.screenshot({ path: '/tmp/turnq-playground.png', fullPage: true });
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('sends on Enter but adds a line on Shift+Enter, and shows state changes in the session panel', async () => {
    const page = await openPage();
    await page.getByLabel('API key').fill(KEY);
    const input = page.getByLabel('Message');
    await input.fill('hello');
    await input.press('Enter');
    await page.locator('.msg.assistant .badge.intent').first().waitFor();
    await input.pressSequentially('어떻게 작동하는지');
    await input.press('Shift+Enter');
    await input.pressSequentially('설명해줘');
    expect(await input.inputValue()).toBe('어떻게 작동하는지\n설명해줘');
    expect(await page.locator('.msg.user').count()).toBe(1);
    await input.press('Enter');
    await page.locator('.msg.assistant .badge.intent').nth(1).waitFor();
    expect(await page.locator('.msg.assistant .badge.intent').nth(1).textContent()).toBe('information_seeking');
    await page.locator('#history li', { hasText: 'greeting → information_seeking' }).waitFor();
    expect(await page.locator('.msg.user .text').nth(1).textContent()).toBe('어떻게 작동하는지\n설명해줘');
  });

  it('keeps the key in session storage and resumes the session with its history after a reload', async () => {
    const page = await openPage();
    await page.getByLabel('API key').fill(KEY);
    await page.getByRole('button', { name: 'New session' }).click();
    await page.getByLabel('Message').fill('hello again');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.msg.assistant .badge.intent').waitFor();
    const sessionId = await page.getByLabel('Session', { exact: true }).inputValue();
    await page.reload();
    expect(await page.getByLabel('API key').inputValue()).toBe(KEY);
    await page.locator('.msg.assistant').waitFor();
    expect(await page.getByLabel('Session', { exact: true }).inputValue()).toBe(sessionId);
    expect(await page.locator('.msg.user .text').allTextContents()).toEqual(['hello again']);
    expect((await client(stack.baseUrl, KEY).messages(sessionId)).length).toBe(2);
  });

  it('says why when the key is wrong', async () => {
    const page = await openPage();
    await page.getByLabel('API key').fill('wrong');
    await page.getByLabel('Message').fill('hello');
    await page.getByLabel('Message').press('Enter');
    await page.locator('#status.error', { hasText: 'the key is not valid' }).waitFor();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await openPage({ width: 390, height: 844 });
    await page.getByLabel('API key').fill(KEY);
    await page.getByLabel('Message').fill('안녕하세요! 처음 뵙겠습니다.');
    await page.getByLabel('Message').press('Enter');
    await page.locator('.msg.assistant .badge.intent').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/turnq-playground-phone.png', fullPage: true });
  });
});
