import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, which every browser test drives (npm test installs it or stops). */
export const CHROMIUM = '/usr/bin/chromium';
/** Where browser tests write the screenshots docs/ shows. */
export const SHOTS = path.resolve(__dirname, '../../docs/screenshots');

/** Headless Chromium without network side-traffic; also makes sure the screenshot folder exists. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh, empty profile (no cookies from anything else) at a laptop-sized viewport, in
 * English and UTC so screenshots are stable, with confirmation dialogs accepted.
 */
export async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  return { context, page };
}
