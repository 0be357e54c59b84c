import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * Page visits in chromium measured for the static-serving checks (static-cache.test.ts, scripts/bench-site.ts): bytes
 * the page received according to CDP, bytes the server wrote, and when the page's model was ready.
 */

/** Bytes the server has written to all its sockets, headers included: also counts what a service worker fetches. */
export function countBytesWritten(server: Server): () => number {
  const open = new Set<Socket>();
  let closedBytes = 0;
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      closedBytes += socket.bytesWritten;
      open.delete(socket);
    });
  });
  return () => closedBytes + [...open].reduce((sum, socket) => sum + socket.bytesWritten, 0);
}

export interface MeasuredPage {
  page: Page;
  cdp: CDPSession;
}

export async function openMeasuredPage(context: BrowserContext, mbps?: number): Promise<MeasuredPage> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (mbps) {
    // 20 ms round trips, upload a quarter of the download rate: a good home connection.
    const bytesPerSecond = (mbps * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond / 4 });
  }
  return { page, cdp };
}

export interface Visit {
  /** ms from navigation start to `html[data-model-ready]`, when the visit waited for the model. */
  modelReadyMs?: number;
  /** ms from navigation start to the first request under ort/ or models/ (Resource Timing): what the page took to ask. */
  downloadsStartMs?: number;
  /** ms from navigation start to the last byte under ort/ and models/. */
  downloadsDoneMs?: number;
  /** Σ encodedDataLength of the page's requests (CDP Network.loadingFinished): bytes received, headers included. */
  pageBytes: number;
  /** Bytes the server wrote meanwhile, or undefined when it is not counted. */
  serverBytes?: number;
  requests: number;
  /** Responses the service worker answered. */
  fromServiceWorker: number;
  /** Paths of the page's requests under ort/, to see which onnxruntime flavour was loaded. */
  ortFiles: string[];
}

/** Navigates, optionally waits for the page's model, then for 500 ms without network, and reports what it cost. */
export async function measureVisit(measured: MeasuredPage, url: string, options: { waitForModel: boolean; serverBytes?: () => number }): Promise<Visit> {
  const { page, cdp } = measured;
  const visit: Visit = { pageBytes: 0, requests: 0, fromServiceWorker: 0, ortFiles: [] };
  const finished = (event: { encodedDataLength: number }) => {
    visit.pageBytes += event.encodedDataLength;
    visit.requests += 1;
  };
  const received = (event: { response: { url: string; fromServiceWorker?: boolean } }) => {
    if (event.response.fromServiceWorker) visit.fromServiceWorker += 1;
    const { pathname } = new URL(event.response.url);
    if (pathname.includes('/ort/')) visit.ortFiles.push(pathname.slice(pathname.indexOf('/ort/') + 5));
  };
  cdp.on('Network.loadingFinished', finished);
  cdp.on('Network.responseReceived', received);
  const before = options.serverBytes?.();
  try {
    await page.goto(url);
    if (options.waitForModel) {
      const ready = await page.waitForFunction(() => (document.documentElement.dataset.modelReady ? performance.now() : 0), undefined, { polling: 20, timeout: 120_000 });
      visit.modelReadyMs = (await ready.jsonValue()) as number;
      const span = await page.evaluate(() => {
        const entries = performance.getEntriesByType('resource').filter((e) => /\/(ort|models)\//.test(e.name)) as PerformanceResourceTiming[];
        return [Math.min(...entries.map((e) => e.startTime)), Math.max(...entries.map((e) => e.responseEnd))];
      });
      [visit.downloadsStartMs, visit.downloadsDoneMs] = span;
    }
    await page.waitForLoadState('networkidle');
  } finally {
    cdp.off('Network.loadingFinished', finished);
    cdp.off('Network.responseReceived', received);
  }
  if (before !== undefined) visit.serverBytes = options.serverBytes!() - before;
  return visit;
}
