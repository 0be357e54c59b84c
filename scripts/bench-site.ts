/**
 * npm run bench:site — the site in headless chromium (wasm backend):
 *  - ms per decoded frame while the morph slider moves, against the same decode in onnxruntime-node in-process;
 *  - JavaScript bytes each page loads before any model byte is requested;
 *  - time from navigation to the first interactive morph (model loaded, first frame drawn), cold and warm cache;
 *  - on a face model, attributes slider move to repainted 640×480 photo (edit decoded, pasted back with editedPhotos);
 *  - static serving: first visit at an emulated 20 Mbps and later visits' bytes, against the old serving (bench-site-serving.ts).
 * `--serving` runs only the last part.
 * Uses the faces model when models/ has it, else digits, else the test fixture (and says which).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ortNode from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import { sampleLatents } from '#core/latent.ts';
import { ModelRuntime } from '#core/runtime.ts';
import { loadModel } from '#core/model-loader.ts';
import { createFixtureModel } from '../train/testing/fixture-model.ts';
import { writeFixtureModel } from '../train/testing/write-fixture.ts';
import { buildProductionSite } from './build-site.ts';
import { benchStaticServing } from './bench-site-serving.ts';
import { launchChromium } from '../site/testing/browser.ts';
import { attributeRepaintTimes } from '../site/testing/page-checks.ts';
import { writeFaceJpeg } from '../site/testing/site-fixture.ts';
import { serveStaticSite } from '../site/testing/static-server.ts';
import { readFile } from 'node:fs/promises';

const SLIDER_FRAMES = 240;
const PHOTO_MOVES = 100;
const PAGES = ['', 'morph/', 'attributes/', 'map/', 'generate/', 'learn/', 'api/', 'embed/'];
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function chooseModels(work: string): Promise<{ modelsDir: string; id: string; note: string }> {
  const shipped = path.join(repo, 'models');
  for (const id of ['faces', 'digits']) {
    if (existsSync(path.join(shipped, id, 'manifest.json'))) return { modelsDir: shipped, id, note: `shipped ${id} model` };
  }
  const model = await createFixtureModel();
  await writeFixtureModel(path.join(work, 'models'), model);
  return { modelsDir: path.join(work, 'models'), id: model.id, note: 'test fixture (16×16 PCA, 8-d code): models/ has no faces or digits yet' };
}

/**
 * JS a page fetches up to its load event + 300 ms, stopping at its first /models/ or /ort/ request: what a visitor pays
 * before the model starts loading.
 */
async function firstLoadJs(browser: Browser, url: string): Promise<{ raw: number; gzip: number; files: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const sizes: Promise<{ raw: number; gzip: number }>[] = [];
  let modelRequested = false;
  page.on('request', (request) => {
    if (/\/(models|ort)\//.test(new URL(request.url()).pathname)) modelRequested = true;
  });
  page.on('response', (response) => {
    const isScript = response.request().resourceType() === 'script' || /\.m?js$/.test(new URL(response.url()).pathname);
    if (!isScript || modelRequested || /\/ort\//.test(response.url())) return;
    sizes.push(response.body().then((body) => ({ raw: body.length, gzip: gzipSync(body).length })));
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  const all = await Promise.all(sizes);
  await context.close();
  return { raw: all.reduce((s, x) => s + x.raw, 0), gzip: all.reduce((s, x) => s + x.gzip, 0), files: all.length };
}

async function timeToInteractive(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => Number(document.querySelector('#morph-canvas')?.getAttribute('data-frames') ?? 0) > 0, undefined, { timeout: 120_000 });
  return page.evaluate(() => performance.now());
}

async function sliderFrames(page: Page): Promise<{ decodeMs: number[]; fps: number }> {
  return page.evaluate(async (frames) => {
    const slider = document.querySelector<HTMLInputElement>('#morph-t')!;
    const canvas = document.querySelector<HTMLCanvasElement>('#morph-canvas')!;
    performance.clearMeasures('latentlab:morph-frame');
    const started = performance.now();
    for (let i = 0; i < frames; i++) {
      const before = Number(canvas.dataset.frames);
      const phase = (i % 100) / 50;
      slider.value = String(phase <= 1 ? phase : 2 - phase);
      slider.dispatchEvent(new Event('input'));
      while (Number(canvas.dataset.frames) === before) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const seconds = (performance.now() - started) / 1000;
    const decodeMs = performance.getEntriesByName('latentlab:morph-frame').map((entry) => entry.duration);
    return { decodeMs, fps: frames / seconds };
  }, SLIDER_FRAMES);
}

/** The same single-latent decode in onnxruntime-node, in-process: the baseline of the browser figure. */
async function nodeDecodeMs(modelsDir: string, id: string): Promise<number> {
  const model = await loadModel(async (file) => {
    const bytes = await readFile(path.join(modelsDir, id, file));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  });
  const runtime = new ModelRuntime(model, ortNode, { sessionOptions: { intraOpNumThreads: 1 } });
  const latents = sampleLatents(model.manifest.latent, 50, 1);
  await runtime.decode([latents[0]]);
  const times: number[] = [];
  for (const z of latents) {
    const t0 = performance.now();
    await runtime.decode([z]);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The attributes page with a 640×480 JPEG face upload: ms from a slider's input event to the edited photo on the canvas. */
async function photoRepaintMs(page: Page, url: string, id: string, work: string): Promise<number[]> {
  await page.goto(`${url}/attributes/?ep=wasm`);
  await page.waitForSelector('html[data-model-ready]', { timeout: 120_000 });
  await page.selectOption('[data-model-select]', id);
  await page.waitForSelector(`html[data-model-ready="${id}"]`, { timeout: 120_000 });
  await page.setInputFiles('#attr-source-file', await writeFaceJpeg(path.join(work, 'face.jpg')));
  await page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('#attr-canvas')?.width === 640, undefined, { timeout: 120_000 });
  return attributeRepaintTimes(page, PHOTO_MOVES);
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'latentlab-bench-site-'));
  const { modelsDir, id, note } = await chooseModels(work);
  console.log(`model: ${note}`);
  const { outDir } = await buildProductionSite({ outDir: path.join(work, 'dist'), modelsDir, quiet: true });
  const server = await serveStaticSite({ dir: outDir });
  const browser = await launchChromium();
  try {
    await benchStaticServing(browser, outDir, modelsDir);
    if (process.argv.includes('--serving')) return;
    console.log('\nfirst-load JavaScript before any model request (uncompressed / gzip):');
    for (const pathname of PAGES) {
      const js = await firstLoadJs(browser, `${server.url}/${pathname}`);
      console.log(`  /${pathname.padEnd(12)} ${(js.raw / 1024).toFixed(1).padStart(7)} KB / ${(js.gzip / 1024).toFixed(1).padStart(6)} KB gzip  (${js.files} files)`);
    }
    const loader = await readFile(path.join(outDir, 'widgets.js'));
    console.log(`  widgets.js loader: ${(loader.length / 1024).toFixed(1)} KB / ${(gzipSync(loader).length / 1024).toFixed(1)} KB gzip`);

    const context = await browser.newContext();
    const page = await context.newPage();
    const morphUrl = `${server.url}/morph/?ep=wasm`;
    const cold = await timeToInteractive(page, morphUrl);
    const warm = await timeToInteractive(page, morphUrl);
    console.log(`\ntime from navigation to first interactive morph (wasm): cold ${cold.toFixed(0)} ms, warm (Cache Storage) ${warm.toFixed(0)} ms`);

    const { decodeMs, fps } = await sliderFrames(page);
    const baseline = await nodeDecodeMs(modelsDir, id);
    const p50 = median(decodeMs);
    // performance.now() is coarsened in pages that are not cross-origin isolated; the mean averages the rounding out.
    const mean = decodeMs.reduce((sum, ms) => sum + ms, 0) / decodeMs.length;
    console.log(`\nmorph slider, ${decodeMs.length} frames on ${id} (wasm, 1 thread):`);
    console.log(`  decode+paint per frame: mean ${mean.toFixed(2)} ms, p50 ${p50.toFixed(2)} ms, p95 ${percentile(decodeMs, 0.95).toFixed(2)} ms -> ${(1000 / mean).toFixed(0)} decoded frames/s possible`);
    console.log(`  slider driven one frame at a time: ${fps.toFixed(1)} frames/s (includes waiting for the next animation frame)`);
    console.log(`  baseline: onnxruntime-node in-process decode ${baseline.toFixed(2)} ms (1 thread); browser mean / node ratio ${(mean / baseline).toFixed(2)}`);
    if (id === 'faces') {
      const repaint = await photoRepaintMs(page, server.url, id, work);
      const repaintMean = repaint.reduce((sum, ms) => sum + ms, 0) / repaint.length;
      console.log(`\nattributes slider on a 640×480 JPEG photo, ${repaint.length} moves on ${id} (wasm; decode one edit + editedPhotos + putImageData):`);
      console.log(`  slider input to repainted photo: mean ${repaintMean.toFixed(1)} ms, p50 ${median(repaint).toFixed(1)} ms, p95 ${percentile(repaint, 0.95).toFixed(1)} ms (target ≤ 50 ms)`);
    }
    await context.close();
  } finally {
    await browser.close();
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
