// The world an end-to-end test runs in: Federa Directory and Federa Workspace as real processes (the
// same `src/main.ts` that `npm start` runs), started empty on free ports of two different sites —
// the Directory on 127.0.0.1, the Workspace on localhost (cookies ignore ports, so on one host the
// two would share a cookie jar and hide the cross-site pitfall of DESIGN.md) — and one Chromium.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.ts';
import { freshDatabaseUrl, type TestDialect } from '../../support/databases.ts';
import { freePort, ROOT, type RunningService, startService } from '../../support/processes.ts';

/** Every wait in the browser is bounded by this. */
export const STEP_TIMEOUT_MS = 15_000;

export interface World {
  dialect: TestDialect;
  /** Federa Directory, e.g. http://127.0.0.1:41234 */
  idpUrl: string;
  /** Federa Workspace, e.g. http://localhost:41235 */
  spUrl: string;
  browser: Browser;
  /** Where this run's screenshots go. */
  screenshotDir: string;
  /** A new browser window with nothing in it (a person's own browser, or a private window). */
  window(): Promise<Page>;
  /** Saves a screenshot of the page's viewport as `<name>.png`. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Screenshots of every open window into the run's temporary folder; returns where they are. */
  failureScreenshots(): Promise<string>;
  /** What both services printed, for failure messages. */
  output(): string;
  /** Closes every window, the browser and both services; removes the temporary files unless `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

const VIEWPORT = { width: 1280, height: 800 };

/**
 * Screenshots go to `docs/images/tutorial/` when FEDERA_SCREENSHOTS=docs (SQLite run only: one set,
 * the one docs/tutorial.md shows), else to the run's temporary folder.
 */
function screenshotDirFor(dialect: TestDialect, temp: string): string {
  if (process.env.FEDERA_SCREENSHOTS === 'docs' && dialect === 'sqlite')
    return join(ROOT, 'docs', 'images', 'tutorial');
  return join(temp, 'screenshots');
}

export async function startWorld(dialect: TestDialect): Promise<World> {
  const temp = mkdtempSync(join(tmpdir(), `federa-e2e-${dialect}-`));
  const screenshotDir = screenshotDirFor(dialect, temp);
  mkdirSync(screenshotDir, { recursive: true });
  const [idpPort, spPort] = [await freePort(), await freePort()];
  const idpUrl = `http://127.0.0.1:${idpPort}`;
  const spUrl = `http://localhost:${spPort}`;
  // SQLite: files, not :memory:, since each service is its own process.
  const idpDatabase = dialect === 'sqlite' ? join(temp, 'idp.sqlite') : await freshDatabaseUrl(dialect);
  const spDatabase = dialect === 'sqlite' ? join(temp, 'sp.sqlite') : await freshDatabaseUrl(dialect);

  const services: RunningService[] = [];
  const contexts: BrowserContext[] = [];
  let browser: Browser | null = null;
  const output = () =>
    services
      .map(
        (s, i) =>
          `--- ${i === 0 ? 'Federa Directory' : 'Federa Workspace'} output ---\n${s.output().slice(-6000)}`,
      )
      .join('\n');
  const close = async (options: { keep?: boolean } = {}) => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    for (const service of services) {
      const stopped = await Promise.race([
        service.stop().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!stopped) await service.kill();
    }
    if (!options.keep) rmSync(temp, { recursive: true, force: true });
  };

  try {
    services.push(
      await startService({
        entry: 'apps/idp/src/main.ts',
        baseUrl: idpUrl,
        env: {
          IDP_PORT: String(idpPort),
          IDP_BASE_URL: idpUrl,
          DATABASE_URL: idpDatabase,
          IDP_SECRET_KEY: randomBytes(32).toString('hex'),
          LOG_LEVEL: 'warn',
        },
      }),
    );
    services.push(
      await startService({
        entry: 'apps/sp/src/main.ts',
        baseUrl: spUrl,
        env: {
          SP_PORT: String(spPort),
          SP_BASE_URL: spUrl,
          DATABASE_URL: spDatabase,
          SP_SECRET_KEY: randomBytes(32).toString('hex'),
          // The Directory's metadata URL is on 127.0.0.1: the local setup needs loopback allowed.
          SP_ALLOW_LOOPBACK_METADATA: 'true',
          // No SMTP here: mail goes to the development outbox, as in the demo.
          SP_DEV_OUTBOX: 'true',
          LOG_LEVEL: 'warn',
        },
      }),
    );
    browser = (await launchChromium()).browser;
  } catch (error) {
    await close({ keep: true });
    throw error;
  }
  const running = browser;

  return {
    dialect,
    idpUrl,
    spUrl,
    browser: running,
    screenshotDir,
    window: async () => {
      const context = await running.newContext({ viewport: VIEWPORT });
      contexts.push(context);
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      // Copy buttons write to the clipboard; the test reads it back as a person pastes it.
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: idpUrl });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: spUrl });
      return context.newPage();
    },
    screenshot: async (page, name) => {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`), timeout: STEP_TIMEOUT_MS });
    },
    failureScreenshots: async () => {
      const dir = join(temp, 'failure');
      mkdirSync(dir, { recursive: true });
      let n = 0;
      for (const context of running.contexts())
        for (const page of context.pages())
          await page.screenshot({ path: join(dir, `window-${++n}.png`), timeout: 5000 }).catch(() => {});
      return dir;
    },
    output,
    close,
  };
}
