import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { buildTestSite, type TestSite } from './site-fixture.ts';
import { serveStaticSite, type RunningServer } from './static-server.ts';

/** A built test site served on localhost, chromium with one download-accepting context, and a fresh artifacts folder. */
export interface BrowserSession {
  site: TestSite;
  server: RunningServer;
  browser: Browser;
  context: BrowserContext;
  artifacts: string;
  close(): Promise<void>;
}

export async function startBrowserSession(artifacts: string): Promise<BrowserSession> {
  const site = await buildTestSite();
  const server = await serveStaticSite({ dir: site.distDir });
  const browser = await launchChromium();
  const context = await browser.newContext({ acceptDownloads: true });
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
  return {
    site,
    server,
    browser,
    context,
    artifacts,
    close: async () => {
      await browser.close();
      await server.close();
      await rm(site.root, { recursive: true, force: true });
    },
  };
}

export const testArtifacts = (testDir: string, name: string) => path.join(testDir, 'test-artifacts', name);
