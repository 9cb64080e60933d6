import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium package, and the flags it needs as root in a container. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const VIEWS = [
  { name: 'desktop-light', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { name: 'desktop-dark', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light' },
  { name: 'phone-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' },
] as const;

export interface CaptureOptions { browser: Browser; baseUrl: string; key?: string; outDir: string; locale?: string }

/** Waits until the page's reply `n` (1-based) has its chips, i.e. the turn is done and rendered. */
export async function waitForReply(page: Page, n: number): Promise<void> {
  await page.locator('.msg.assistant .badges').nth(n - 1).waitFor({ timeout: 60_000 });
}

/**
 * The playground as a user sees it: a short Korean and English conversation, then that session
 * resumed in each view (desktop and phone, light and dark), one PNG per view. Returns the files and
 * the session, so a test can look at both.
 */
export async function capturePlayground(o: CaptureOptions): Promise<{ files: string[]; sessionId: string }> {
  const context = await o.browser.newContext({ viewport: VIEWS[0].viewport, locale: o.locale ?? 'ko-KR' });
  const page = await context.newPage();
  await page.goto(`${o.baseUrl}/`);
  if (o.key) await page.getByLabel('API key').fill(o.key);
  await page.getByRole('button', { name: /turnq는/ }).click();
  await waitForReply(page, 1);
  await page.getByLabel('Message').fill('Thanks! Can you explain how the summary works?');
  await page.getByLabel('Message').press('Enter');
  await waitForReply(page, 2);
  const sessionId = await page.getByLabel('Session', { exact: true }).inputValue();
  await context.close();

  const files: string[] = [];
  for (const v of VIEWS) {
    const ctx = await o.browser.newContext({ viewport: v.viewport, colorScheme: v.colorScheme, locale: o.locale ?? 'ko-KR' });
    if (o.key) await ctx.addInitScript(`sessionStorage.setItem('turnq.key', ${JSON.stringify(o.key)})`);
    const p = await ctx.newPage();
    await p.goto(`${o.baseUrl}/#${sessionId}`);
    await waitForReply(p, 2);
    // Hangul slices load once text needs them (font-display: swap shows boxes until then): load every
    // slice the page's text needs in both weights, then let a frame paint with them.
    await p.evaluate(`Promise.all(['400', '700'].map((w) => document.fonts.load(w + ' 15px "Noto Sans KR"', document.body.innerText)))
      .then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))`);
    const file = join(o.outDir, `playground-${v.name}.png`);
    await p.screenshot({ path: file });
    files.push(file);
    await ctx.close();
  }
  return { files, sessionId };
}

/** The load-test report's index.html as one PNG, at the width of its charts. */
export async function captureReport(browser: Browser, reportDir: string, file: string): Promise<void> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(`file://${join(reportDir, 'index.html')}`);
  await page.screenshot({ path: file, fullPage: true });
  await ctx.close();
}
