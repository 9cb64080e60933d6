import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { playgroundRouter } from '../../services/gateway/routes/playground';
import { CHROMIUM, CHROMIUM_ARGS, capturePlayground, waitForReply } from '../../tools/screenshots/capture-playground';
import { client } from '../http-client';
import { startStack, type Stack } from '../start-stack';

/* Debian's chromium package; CI installs it. Without it the suite is skipped, and says so. */
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`playground browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);

type Viewport = { width: number; height: number };

// Chromium beside other work on a 2-core box: a page test's steps each wait for a condition, and the
// whole test may take longer than the suite's 60 s default (seen: 60 s exceeded with a CPU hog running)
jest.setTimeout(180_000);
type WithErrors = Page & { errors: string[] };

(haveChromium ? describe : describe.skip)('web playground (GET /) in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  const KEY = 'play-key';
  const sim = (knobs: Record<string, number>) => fetch(`${stack.simUrl}/_sim/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs) });

  beforeAll(async () => {
    stack = await startStack({ env: { LLM_SIM_LATENCY_MS: '0', LLM_SIM_TOKENS_PER_SECOND: '2000', TURNQ_API_KEYS: `${KEY}=t1` } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 90_000);
  afterAll(async () => { await browser?.close(); await stack?.stop(); });
  /** Every test's browser contexts, closed after it: open pages keep their streams and renderers busy. */
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await sim({ tokensPerSecond: 2000 });
  });

  async function openPage(o: { viewport?: Viewport; locale?: string; url?: string; key?: string | null } = {}): Promise<WithErrors> {
    const context = await browser.newContext({ viewport: o.viewport ?? { width: 1200, height: 800 }, locale: o.locale ?? 'ko-KR' });
    contexts.push(context);
    const page = await context.newPage() as WithErrors;
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) page.errors.push(m.text()); });
    await page.goto(o.url ?? stack.baseUrl + '/');
    if (o.key !== null) await page.getByLabel('API key').fill(o.key ?? KEY);
    return page;
  }
  async function say(page: Page, text: string, n: number): Promise<void> {
    await page.getByLabel('Message').fill(text);
    await page.getByLabel('Message').press('Enter');
    await waitForReply(page, n);
  }
  const chipsOf = (page: Page, n: number) => page.locator('.msg.assistant').nth(n - 1).locator('.badge').allTextContents();

  /**
   * Which fonts Chromium drew an element's own text with, once the page's fonts are done loading (its own
   * account, over CDP): a Hangul character drawn as a box comes from a system font, not the served one.
   */
  async function fontsOf(page: Page, selector: string): Promise<{ text: string; hangul: number; served: number; faces: string[] }> {
    await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => r(true))))');
    const cdp = await page.context().newCDPSession(page);
    try {
      const { root } = await cdp.send('DOM.getDocument');
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
      await cdp.send('CSS.enable');
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const text = (await page.locator(selector).textContent())!;
      const served = fonts.filter((f) => f.isCustomFont && f.familyName.startsWith('Noto Sans KR'));
      return { text, hangul: text.match(/[가-힣]/g)?.length ?? 0, served: served.reduce((n, f) => n + f.glyphCount, 0), faces: fonts.map((f) => `${f.postScriptName}:${f.glyphCount}`) };
    } finally {
      await cdp.detach();
    }
  }

  /** For each space-separated word of an element's (single text node) text, on how many lines its characters sit. */
  const linesPerWord = (page: Page, selector: string): Promise<Record<string, number>> => page.locator(selector).evaluate((el: any) => {
    const node = el.firstChild;
    const text: string = node.textContent;
    const out: Record<string, number> = {};
    let at = 0;
    for (const word of text.split(' ')) {
      const lineTops = new Set<number>();
      for (let i = 0; i < word.length; i++) {
        const r = (globalThis as any).document.createRange();
        r.setStart(node, at + i);
        r.setEnd(node, at + i + 1);
        lineTops.add(Math.round(r.getBoundingClientRect().top));
      }
      out[word] = lineTops.size;
      at += word.length + 1;
    }
    return out;
  });

  it('streams a Korean turn\'s reply into the page and shows readable chips with titles', async () => {
    await sim({ tokensPerSecond: 60 });
    const page = await openPage();
    await page.getByLabel('Message').fill('안녕하세요! 처음 뵙겠습니다.');
    await page.getByLabel('Message').press('Enter');
    const reply = page.locator('.msg.assistant').last();
    // seen mid-stream: part of the text is there while the turn is still streaming
    await page.locator('.msg.assistant.streaming .text', { hasText: /.{10}/ }).waitFor({ timeout: 30_000 });
    await waitForReply(page, 1);
    expect(await reply.locator('.badge.intent').textContent()).toBe('Greeting');
    expect(await reply.locator('.badge.intent').getAttribute('data-intent')).toBe('greeting');
    expect(await reply.locator('.badge.intent').getAttribute('title')).toMatch(/^Intent: greeting, found by the keyword tables, confidence \d+%$/);
    expect(await reply.locator('.text').textContent()).toContain('안녕하세요! 처음 뵙겠습니다.');
    expect(await reply.locator('.badge.tokens').textContent()).toMatch(/^prompt \d+ \+ reply \d+ tokens$/);
    expect(await reply.locator('.badge.context').textContent()).toBe('no history yet (first turn)');
    expect(await page.locator('.msg.user .text').textContent()).toBe('안녕하세요! 처음 뵙겠습니다.');
    expect(await page.locator('#facts').textContent()).toContain('Messages2');
    expect(await page.locator('#side-brief').textContent()).toBe('Greeting · 2 messages');
    for (const title of await page.locator('.msg.assistant .badge').evaluateAll((bs) => bs.map((b) => b.getAttribute('title')))) expect(title).toBeTruthy();
    expect(page.errors).toEqual([]);
  });

  it('sends on Enter but adds a line on Shift+Enter; the second turn\'s context chip says the history was kept whole', async () => {
    const page = await openPage();
    const input = page.getByLabel('Message');
    await say(page, 'hello', 1);
    await input.pressSequentially('어떻게 작동하는지');
    await input.press('Shift+Enter');
    await input.pressSequentially('설명해줘');
    expect(await input.inputValue()).toBe('어떻게 작동하는지\n설명해줘');
    expect(await page.locator('.msg.user').count()).toBe(1);
    await input.press('Enter');
    await waitForReply(page, 2);
    const second = page.locator('.msg.assistant').nth(1);
    expect(await second.locator('.badge.intent').textContent()).toBe('Information seeking');
    expect(await second.locator('.badge.state').textContent()).toBe('Greeting → Information seeking');
    expect(await second.locator('.badge.context').textContent()).toBe('history kept 2 of 2 messages, nothing trimmed');
    expect(await second.locator('.badge.context').getAttribute('title')).toMatch(/^All earlier messages \(\d+ tokens\) fit the context budget$/);
    await page.locator('#history li', { hasText: 'Greeting → Information seeking' }).waitFor();
    expect(await page.locator('.msg.user .text').nth(1).textContent()).toBe('어떻게 작동하는지\n설명해줘');
  });

  it('resumes the session after a reload with the same chips on every reply as when it was live', async () => {
    const page = await openPage();
    await page.getByRole('button', { name: 'New session' }).click();
    await say(page, 'hello again', 1);
    await say(page, 'what is a mailbox?', 2);
    const live = [await chipsOf(page, 1), await chipsOf(page, 2)];
    const sessionId = await page.getByLabel('Session', { exact: true }).inputValue();
    await page.reload();
    expect(await page.getByLabel('API key').inputValue()).toBe(KEY);
    await waitForReply(page, 2);
    expect(await page.getByLabel('Session', { exact: true }).inputValue()).toBe(sessionId);
    expect(await page.locator('.msg.user .text').allTextContents()).toEqual(['hello again', 'what is a mailbox?']);
    expect([await chipsOf(page, 1), await chipsOf(page, 2)]).toEqual(live);
    expect(live[1].length).toBeGreaterThanOrEqual(6);
    expect((await client(stack.baseUrl, KEY).messages(sessionId)).length).toBe(4);
  });

  it('renders a sentiment chip and the memories in the context chip when a Turn carries them', async () => {
    const page = await openPage();
    await say(page, 'hello', 1);
    const sessionId = await page.getByLabel('Session', { exact: true }).inputValue();
    // The second-round Turn shape (contract, "Shapes"), added to the real answer until the workers fill it.
    await page.route('**/v1/turns/*', async (route) => {
      const res = await route.fetch();
      const turn = await res.json();
      turn.sentiment = { label: 'negative', intensity: 0.75, method: 'keyword' };
      turn.context = { ...turn.context, memories: 2 };
      await route.fulfill({ response: res, json: turn });
    });
    expect(page.url()).toContain(sessionId);
    await page.reload();
    await waitForReply(page, 1);
    const reply = page.locator('.msg.assistant').first();
    expect(await reply.locator('.badge.sentiment').textContent()).toBe('Negative 75%');
    expect(await reply.locator('.badge.sentiment').getAttribute('title')).toBe('Sentiment: negative, intensity 0.75, found by keyword');
    expect(await reply.locator('.badge.context').textContent()).toBe('no history yet (first turn) + 2 memories');
  });

  it('puts a refused key\'s error under the key field and gives the message back to send again', async () => {
    const page = await openPage({ key: 'wrong' });
    await page.getByLabel('Message').fill('hello');
    await page.getByLabel('Message').press('Enter');
    await page.locator('#key-error', { hasText: 'the key is not valid' }).waitFor();
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Message').inputValue()).toBe('hello');
    expect(await page.locator('.msg').count()).toBe(0);
  });

  it('puts a bad session id\'s error under the Session field', async () => {
    const page = await openPage();
    await page.getByLabel('Session', { exact: true }).fill('ses_doesnotexist');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.locator('#session-error', { hasText: 'No such session here' }).waitFor();
    expect(await page.getByLabel('Session', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#key-error').textContent()).toBe('');
    // the error sits right under the field that caused it
    const field = (await page.getByLabel('Session', { exact: true }).boundingBox())!;
    const error = (await page.locator('#session-error').boundingBox())!;
    expect(error.y).toBeGreaterThanOrEqual(field.y + field.height);
    expect(error.y).toBeLessThan(field.y + field.height + 20);
  });

  it('shows a hint and a Korean and an English example on an empty conversation; an example sends itself', async () => {
    const page = await openPage();
    await page.locator('#empty').waitFor();
    expect(await page.locator('#empty').textContent()).toContain('Type a message below');
    const examples = await page.locator('#empty .example').allTextContents();
    expect(examples).toHaveLength(2);
    expect(examples[0]).toMatch(/[가-힣]/);
    expect(examples[1]).toMatch(/^[\x20-\x7e]+$/);
    await page.locator('#empty .example').nth(1).click();
    await waitForReply(page, 1);
    expect(await page.locator('.msg.user .text').textContent()).toBe(examples[1]);
    expect(await page.locator('#empty').isHidden()).toBe(true);
  });

  it('renders Korean with real glyphs from the served font, not boxes', async () => {
    const page = await openPage();
    // Three glyphs per line: two Hangul syllables and a private-use character no font has (a box).
    // With no Hangul font both syllables draw as that same box; the control line forces that case.
    await page.evaluate(`(() => {
      const lines = [['real', '', 400], ['control', '"DejaVu Sans", monospace', 400], ['bold', '', 700], ['bold-control', '"DejaVu Sans", monospace', 700]];
      lines.forEach(([id, family, weight], n) => {
        const line = document.createElement('div');
        line.id = id;
        line.style.cssText = 'position:fixed;left:0;top:' + (n * 80) + 'px;z-index:9;background:#fff;color:#000;font-size:48px;line-height:64px;font-weight:' + weight + ';'
          + (family ? 'font-family:' + family : '');
        for (const ch of ['가', '나', '\\ue000']) {
          const s = document.createElement('span');
          s.textContent = ch;
          s.style.cssText = 'display:inline-block;width:64px;height:64px';
          line.appendChild(s);
        }
        document.body.appendChild(line);
      });
      return Promise.all(['400', '700'].map((w) => document.fonts.load(w + ' 48px "Noto Sans KR"', '가나'))).then(() => true);
    })()`);
    const shot = (id: string, i: number) => page.locator(`#${id} span`).nth(i).screenshot();
    for (const [real, control] of [['real', 'control'], ['bold', 'bold-control']]) {
      const [ga, na, box] = [await shot(real, 0), await shot(real, 1), await shot(real, 2)];
      const [cGa, cNa, cBox] = [await shot(control, 0), await shot(control, 1), await shot(control, 2)];
      expect(cGa.equals(cNa) && cGa.equals(cBox)).toBe(true); // the method sees boxes when there are boxes
      expect(ga.equals(na)).toBe(false);
      expect(ga.equals(box)).toBe(false);
    }
    expect((await shot('bold', 0)).equals(await shot('real', 0))).toBe(false);
    // the bold line is drawn from the served 700 face, not a synthetic bold of the 400 one
    expect((await fontsOf(page, '#bold span:first-child')).faces).toEqual([expect.stringMatching(/^NotoSansKR.*-Bold:1$/)]);
    expect(await page.evaluate('document.fonts.check(\'48px "Noto Sans KR"\', "가나") && document.fonts.check(\'700 48px "Noto Sans KR"\', "가나")')).toBe(true);
    const font = await fetch(`${stack.baseUrl}/playground/app.css`).then((r) => r.text());
    const slice = /url\((\/playground\/fonts\/[^)]+\.woff2)\)/.exec(font)![1];
    const res = await fetch(stack.baseUrl + slice);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect((await fetch(`${stack.baseUrl}/playground/fonts/..%2Fpackage.json`)).status).toBe(404);
  });

  it('draws the page\'s own Korean with the served font, regular and bold, also text laid out before its font slice arrived', async () => {
    // The Korean example is on the first paint, before any Hangul slice is loaded; the session panel's
    // "Started" time (오전/오후 in ko-KR) is the page's bold Hangul. Behind a system font, both stayed boxes.
    const page = await openPage();
    const example = await fontsOf(page, '#empty .example[lang=ko]');
    expect(example.hangul).toBeGreaterThan(10);
    expect(example.served).toBeGreaterThanOrEqual(example.hangul);
    await say(page, '안녕하세요', 1);
    const started = await fontsOf(page, '#facts dd:last-of-type');
    expect(started.text).toMatch(/^(오전|오후) /);
    expect(started.served).toBeGreaterThanOrEqual(started.hangul);
    expect(started.faces.every((f) => /^NotoSansKR.*-Bold:/.test(f))).toBe(true);
    const author = await fontsOf(page, '.msg.assistant .who .at');
    expect(author.served).toBeGreaterThanOrEqual(author.hangul);
  });

  it('keeps a long unbroken message inside its bubble, with no sideways scroll, on a desktop and a phone', async () => {
    const korean = '메시지를 스트리밍으로 보내는 시뮬레이터입니다 ' + '가'.repeat(300);
    const url = 'https://example.com/' + 'a'.repeat(40) + '/' + 'b'.repeat(200) + '?q=' + 'c'.repeat(60);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const page = await openPage({ viewport, key: null });
      if (viewport.width < 760) await page.getByText('Settings', { exact: true }).click(); // folded on a phone
      await page.getByLabel('API key').fill(KEY);
      if (viewport.width < 760) await page.getByText('Settings', { exact: true }).click();
      await say(page, korean, 1);
      await say(page, url, 2);
      const boxes = await page.evaluate(`(() => {
        const log = document.getElementById('log').getBoundingClientRect();
        return { page: document.documentElement.scrollWidth, log: [log.left, log.right], logScroll: document.getElementById('log').scrollWidth - document.getElementById('log').clientWidth,
          msgs: [...document.querySelectorAll('.msg')].map((m) => { const b = m.getBoundingClientRect(); const t = m.querySelector('.text');
            return { left: b.left, right: b.right, overflow: t.scrollWidth - t.clientWidth }; }) };
      })()`) as { page: number; log: number[]; logScroll: number; msgs: { left: number; right: number; overflow: number }[] };
      expect(boxes.page).toBeLessThanOrEqual(viewport.width);
      expect(boxes.logScroll).toBe(0);
      expect(boxes.msgs).toHaveLength(4);
      for (const m of boxes.msgs) {
        expect(m.left).toBeGreaterThanOrEqual(boxes.log[0]);
        expect(m.right).toBeLessThanOrEqual(boxes.log[1]);
        expect(m.overflow).toBe(0);
      }
      // the long token wraps over several lines, the ordinary words before it each stay on one
      expect(await linesPerWord(page, '.msg.user:first-child .text')).toMatchObject({ 메시지를: 1, 스트리밍으로: 1, 보내는: 1, 시뮬레이터입니다: 1 });
      expect(Object.values(await linesPerWord(page, '.msg.user:first-child .text')).pop()).toBeGreaterThan(2);
      expect(page.errors).toEqual([]);
    }
  }, 120_000);

  it('wraps Korean at word boundaries, never inside a word, and never scrolls sideways', async () => {
    const page = await openPage({ viewport: { width: 390, height: 844 }, key: null });
    await page.evaluate(`(() => {
      const li = document.createElement('li');
      li.className = 'msg assistant';
      li.id = 'probe';
      li.innerHTML = '<div class="text" style="width:9em">메시지를 스트리밍으로 보내는 시뮬레이터입니다 그리고 아주아주아주아주아주아주아주아주긴낱말</div>';
      document.getElementById('log').appendChild(li);
    })()`);
    expect(await page.locator('#probe .text').evaluate((e) => (globalThis as any).getComputedStyle(e).wordBreak)).toBe('keep-all');
    // each word's characters share one line top; the over-long last word still wraps (overflow-wrap)
    const tops = await linesPerWord(page, '#probe .text');
    expect(tops).toMatchObject({ 메시지를: 1, 스트리밍으로: 1, 보내는: 1, 시뮬레이터입니다: 1, 그리고: 1 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });

  it('shows times in the reader\'s locale: 24-hour in Germany, AM/PM in the US', async () => {
    for (const [locale, pattern] of [['de-DE', /^\d{1,2}:\d{2}:\d{2}$/], ['en-US', /^\d{1,2}:\d{2}:\d{2}\s?[AP]M$/]] as const) {
      const page = await openPage({ locale });
      await say(page, 'hello', 1);
      expect(await page.locator('.msg.user .at').textContent()).toMatch(pattern);
      expect(await page.locator('.msg.assistant .at').textContent()).toMatch(pattern);
    }
  });

  it('on a phone: a short header, the log scrolls instead of the page, the session panel opens', async () => {
    const page = await openPage({ viewport: { width: 390, height: 844 }, key: null });
    expect((await page.locator('header').boundingBox())!.height).toBeLessThan(100);
    expect(await page.getByLabel('API key').isVisible()).toBe(false); // folded away with the settings
    await page.getByText('Settings', { exact: true }).click();
    await page.getByLabel('API key').fill(KEY);
    await page.getByText('Settings', { exact: true }).click();
    for (let n = 1; n <= 4; n++) await say(page, n % 2 ? '안녕하세요! 처음 뵙겠습니다.' : 'Explain how the queue keeps the order of turns, please.', n);
    const sizes = await page.evaluate(`({ page: document.scrollingElement.scrollHeight, width: document.documentElement.scrollWidth,
      log: document.getElementById('log').scrollHeight, logBox: document.getElementById('log').clientHeight })`) as Record<string, number>;
    expect(sizes.page).toBeLessThanOrEqual(844);
    expect(sizes.width).toBeLessThanOrEqual(390);
    expect(sizes.log).toBeGreaterThan(sizes.logBox);
    const composer = (await page.getByLabel('Message').boundingBox())!;
    expect(composer.y + composer.height).toBeLessThanOrEqual(844);
    expect(await page.locator('#facts').isVisible()).toBe(false);
    await page.locator('#side summary').click();
    await page.locator('#facts').waitFor();
    const facts = (await page.locator('#facts').boundingBox())!;
    expect(facts.y + facts.height).toBeLessThanOrEqual(844);
    expect(await page.locator('#facts').textContent()).toContain('Messages8');
  }, 180_000);

  it('asks for no key when the gateway has auth off, and for one when it is on', async () => {
    const servers: Server[] = [];
    const serve = (auth: boolean) => new Promise<string>((resolve) => {
      const s = express().use(playgroundRouter({ auth })).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`));
      servers.push(s);
    });
    try {
      const off = await openPage({ url: await serve(false), key: null });
      expect(await off.getByLabel('API key').isVisible()).toBe(false);
      expect(await off.getByText('Auth is off on this gateway').isVisible()).toBe(true);
      const on = await openPage({ url: await serve(true), key: null });
      expect(await on.getByLabel('API key').isVisible()).toBe(true);
      expect(await on.getByText('Auth is off on this gateway').isVisible()).toBe(false);
      // the main path stands out: New session and Send are filled buttons, Resume is not
      const bg = (name: string) => on.getByRole('button', { name, exact: true }).evaluate((b) => (globalThis as any).getComputedStyle(b).backgroundColor);
      expect(await bg('New session')).toBe(await bg('Send'));
      expect(await bg('Resume')).not.toBe(await bg('New session'));
    } finally {
      for (const s of servers) s.close();
    }
  });

  it('takes desktop and phone screenshots in light and dark mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'turnq-shots-'));
    try {
      const { files } = await capturePlayground({ browser, baseUrl: stack.baseUrl, key: KEY, outDir: dir });
      expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['playground-desktop-light.png', 'playground-desktop-dark.png', 'playground-phone-light.png', 'playground-phone-dark.png']);
      // Each PNG has its viewport's size, and a light or dark page corner as its name says.
      const page = await browser.newPage();
      for (const f of files) {
        const png = readFileSync(f);
        const size = { w: png.readUInt32BE(16), h: png.readUInt32BE(20) };
        expect(size).toEqual(f.includes('phone') ? { w: 390, h: 844 } : { w: 1280, h: 800 });
        const corner = await page.evaluate(`new Promise((resolve) => {
          const img = new Image();
          img.onload = () => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
            const g = c.getContext('2d'); g.drawImage(img, 0, 0); resolve(Array.from(g.getImageData(2, img.height - 2, 1, 1).data).slice(0, 3)); };
          img.src = 'data:image/png;base64,${png.toString('base64')}';
        })`) as number[];
        const luminance = (corner[0] + corner[1] + corner[2]) / 3;
        if (f.includes('dark')) expect(luminance).toBeLessThan(60); else expect(luminance).toBeGreaterThan(200);
      }
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
