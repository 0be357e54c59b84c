import type { Server } from 'node:http';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from './precompress.ts';
import { launchChromium } from '../../site/testing/browser.ts';
import { buildTestSite, type TestSite } from '../../site/testing/site-fixture.ts';
import { startNodeServer, type RunningServer } from './server.ts';
import { IMMUTABLE, PRECOMPRESSED_FOLDER, REVALIDATE } from './static-policy.ts';
import { countBytesWritten, measureVisit, openMeasuredPage } from './static-visits.ts';

const SECOND_VISIT_MAX_BYTES = 200_000;
let site: TestSite;
let running: RunningServer;
let browser: Browser;
let url: string;
let serverBytes: () => number;

beforeAll(async () => {
  site = await buildTestSite();
  // Variants of the page scripts only: the 40 MB of onnxruntime wasm would take a minute to compress here.
  await precompress({ dirs: [path.join(site.distDir, 'assets')], outDir: path.join(site.distDir, PRECOMPRESSED_FOLDER), cacheDir: path.join(site.root, 'precompress-cache') });
  running = await startNodeServer({ port: 0, modelsDir: path.join(site.root, 'models'), siteDir: site.distDir });
  serverBytes = countBytesWritten(running.server as Server);
  url = `http://127.0.0.1:${running.port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  if (site) await rm(site.root, { recursive: true, force: true });
});

describe('static serving in chromium', () => {
  it('a second page visit transfers under 200 KB: onnxruntime comes from the service worker, pages and models revalidate', async () => {
    const context = await browser.newContext();
    const measured = await openMeasuredPage(context);
    const first = await measureVisit(measured, `${url}/morph/?ep=wasm`, { waitForModel: true, serverBytes });
    expect(first.ortFiles).toContain('ort-wasm-simd-threaded.wasm');
    expect(first.serverBytes).toBeGreaterThan(10_000_000);
    await measured.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    for (const pathname of ['/attributes/', '/morph/']) {
      const visit = await measureVisit(measured, `${url}${pathname}?ep=wasm`, { waitForModel: true, serverBytes });
      expect(visit.modelReadyMs, pathname).toBeGreaterThan(0);
      expect(visit.ortFiles, pathname).toContain('ort-wasm-simd-threaded.wasm');
      expect(visit.fromServiceWorker, pathname).toBeGreaterThanOrEqual(3);
      expect(visit.pageBytes, pathname).toBeLessThan(SECOND_VISIT_MAX_BYTES);
      expect(visit.serverBytes, pathname).toBeLessThan(SECOND_VISIT_MAX_BYTES);
    }
    await context.close();
  });

  it('sends immutable for hashed and versioned URLs, strong validators and 304s for the rest, brotli where built', async () => {
    const script = (await readdir(path.join(site.distDir, 'assets'))).find((file) => file.endsWith('.js'));
    const hashed = await fetch(`${url}/assets/${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(hashed.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(hashed.headers.get('content-encoding')).toBe('br');
    expect(hashed.headers.get('vary')).toBe('Accept-Encoding');

    const wasmUrl = `${url}/ort/ort-wasm-simd-threaded.wasm`;
    const wasm = await fetch(wasmUrl, { method: 'HEAD', headers: { origin: 'https://blog.example' } });
    expect(wasm.headers.get('cache-control')).toBe(REVALIDATE);
    expect(wasm.headers.get('access-control-allow-origin')).toBe('*');
    expect(wasm.headers.get('last-modified')).toBeTruthy();
    const etag = wasm.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await fetch(wasmUrl, { headers: { 'if-none-match': etag } })).status).toBe(304);

    // The version the service worker asks for is the one the server calls current.
    const worker = await readFile(path.join(site.distDir, 'sw.js'), 'utf8');
    const version = /"ort\/ort-wasm-simd-threaded\.wasm": "([0-9a-f]{16})"/.exec(worker)?.[1];
    expect((await fetch(`${wasmUrl}?v=${version}`, { method: 'HEAD' })).headers.get('cache-control')).toBe(IMMUTABLE);
    const model = await fetch(`${url}/models/${site.modelId}/manifest.json`, { method: 'HEAD' });
    expect(model.headers.get('cache-control')).toBe(REVALIDATE);
    expect(model.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
  });
});
