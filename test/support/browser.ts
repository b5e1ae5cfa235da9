// Debian's Chromium driven by playwright-core (no browser download), with the flags this machine
// needs: headless, no sandbox as root, and no background networking (the network is closed).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error('Chromium is not installed. Install it with: apt-get install chromium');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Playwright gives every launch a new, empty profile of its own.
  return { browser, close: () => browser.close() };
}
