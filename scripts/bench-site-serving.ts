import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Browser } from 'playwright-core';
import { startNodeServer } from '../edge/node/server.ts';
import { countBytesWritten, measureVisit, openMeasuredPage, type Visit } from '../edge/node/static-visits.ts';

/**
 * The static-serving part of `npm run bench:site`: a first visit to /morph/ at an emulated 20 Mbps (time until the model
 * is ready, bytes), then /attributes/ and /morph/ again in the same browser profile, against the way the Node server
 * served files before (@hono/node-server's serveStatic: no compression, no validators, no Cache-Control).
 */

const MBPS = 20;
const FIRST_VISITS = 3;
const PAGES_AFTER = ['attributes/', 'morph/'];

interface Origin {
  url: string;
  serverBytes: () => number;
  close(): Promise<void>;
}

async function startBaseline(siteDir: string, modelsDir: string): Promise<Origin> {
  const app = new Hono();
  app.use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }));
  app.use('/models/*', serveStatic({ root: modelsDir, rewriteRequestPath: (p) => p.replace(/^\/models/, '') }));
  app.use('/*', serveStatic({ root: siteDir }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  const serverBytes = countBytesWritten(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, serverBytes, close: () => new Promise<void>((done) => server.close(() => done())) };
}

async function startCurrent(siteDir: string, modelsDir: string): Promise<Origin> {
  const running = await startNodeServer({ port: 0, modelsDir, siteDir });
  return { url: `http://127.0.0.1:${running.port}`, serverBytes: countBytesWritten(running.server as Server), close: () => running.close() };
}

const kb = (bytes = 0) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes = 0) => `${(bytes / 1e6).toFixed(2)} MB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Fresh profiles, one first visit each; returns the visits and the median time to model ready. */
async function firstVisits(browser: Browser, origin: Origin, serviceWorkers: 'allow' | 'block'): Promise<Visit[]> {
  const visits: Visit[] = [];
  for (let i = 0; i < FIRST_VISITS; i++) {
    const context = await browser.newContext({ serviceWorkers });
    visits.push(await measureVisit(await openMeasuredPage(context, MBPS), `${origin.url}/morph/`, { waitForModel: true, serverBytes: origin.serverBytes }));
    await context.close();
  }
  return visits;
}

/** One profile: the first visit, then the later pages; each visit's bytes as CDP and the server count them. */
async function laterVisits(browser: Browser, origin: Origin, serviceWorkers: 'allow' | 'block'): Promise<{ label: string; visit: Visit }[]> {
  const context = await browser.newContext({ serviceWorkers });
  const measured = await openMeasuredPage(context, MBPS);
  const rows = [{ label: 'morph/ (first)', visit: await measureVisit(measured, `${origin.url}/morph/`, { waitForModel: true, serverBytes: origin.serverBytes }) }];
  if (serviceWorkers === 'allow') await measured.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  for (const pathname of PAGES_AFTER) {
    rows.push({ label: pathname, visit: await measureVisit(measured, `${origin.url}/${pathname}`, { waitForModel: true, serverBytes: origin.serverBytes }) });
  }
  await context.close();
  return rows;
}

function printFirst(label: string, visits: Visit[]): number {
  const ready = median(visits.map((v) => v.modelReadyMs ?? 0));
  const downloads = median(visits.map((v) => v.downloadsDoneMs ?? 0));
  const asked = median(visits.map((v) => v.downloadsStartMs ?? 0));
  const bytes = median(visits.map((v) => v.pageBytes));
  const all = visits.map((v) => ((v.modelReadyMs ?? 0) / 1000).toFixed(2)).join(', ');
  console.log(`  ${label.padEnd(34)} model ready ${(ready / 1000).toFixed(2)} s (median of ${visits.length}: ${all}), first ort/model request ${(asked / 1000).toFixed(2)} s, last byte ${(downloads / 1000).toFixed(2)} s, ${mb(bytes)} received`);
  return ready;
}

export async function benchStaticServing(browser: Browser, siteDir: string, modelsDir: string): Promise<void> {
  const baseline = await startBaseline(siteDir, modelsDir);
  const current = await startCurrent(siteDir, modelsDir);
  try {
    console.log(`\nfirst visit to /morph/ at an emulated ${MBPS} Mbps (20 ms latency), default execution provider, no service worker:`);
    const before = printFirst('before (serveStatic, uncompressed)', await firstVisits(browser, baseline, 'block'));
    const nowVisits = await firstVisits(browser, current, 'block');
    const now = printFirst('now (precompressed, validators)', nowVisits);
    console.log(`  ratio before / now: ${(before / now).toFixed(2)}× faster; onnxruntime files loaded: ${nowVisits[0].ortFiles.join(', ')}`);
    console.log(`\nvisits in one profile at ${MBPS} Mbps (bytes received by the page per CDP / written by the server):`);
    const scenarios = [
      { label: 'before', origin: baseline, sw: 'block' as const },
      { label: 'now, HTTP cache only', origin: current, sw: 'block' as const },
      { label: 'now, with the service worker', origin: current, sw: 'allow' as const },
    ];
    for (const { label, origin, sw } of scenarios) {
      console.log(`  ${label}:`);
      for (const { label: page, visit } of await laterVisits(browser, origin, sw)) {
        const ready = `model ready ${((visit.modelReadyMs ?? 0) / 1000).toFixed(2)} s, last ort/model byte ${((visit.downloadsDoneMs ?? 0) / 1000).toFixed(2)} s`;
        console.log(`    /${page.padEnd(16)} ${kb(visit.pageBytes).padStart(11)} / ${kb(visit.serverBytes).padStart(11)}  ${visit.requests} requests, ${visit.fromServiceWorker} from the service worker, ${ready}`);
      }
    }
  } finally {
    await baseline.close();
    await current.close();
  }
}
