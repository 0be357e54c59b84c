import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readCustomToken } from '#core/custom-attribute.ts';
import { decodeImage } from '#core/image/decode.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import { loadModel } from '#core/model-loader.ts';
import { ModelRuntime } from '#core/runtime.ts';
import { celebaPresent } from '../edge/testing/align-fixtures.ts';
import { decodedFacePhoto } from '../edge/testing/decoded-face.ts';
import { heldOutFaces } from '../train/testing/celeba-held-out.ts';
import { buildSite } from './build.ts';
import { CHROMIUM_PATH } from './testing/browser.ts';
import { canvasFingerprint, seriousAxeFindings } from './testing/page-checks.ts';
import { serveStaticSite, type RunningServer } from './testing/static-server.ts';
import { faceVideoY4m } from './testing/y4m.ts';

/**
 * The site built with the shipped models (models/digits, models/faces, models/align), as a visitor gets it: the
 * latent map of the real digits model, the home page, dark mode, and the live camera fed by chromium's fake device.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const artifacts = path.join(here, 'test-artifacts', 'look');
const MIN_FRAMES_PER_SECOND = 15;

let root: string;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(path.join(repo, '.cache'), { recursive: true });
  root = path.join(repo, '.cache', `site-look-test-${process.pid}`);
  const { outDir } = await buildSite({ outDir: path.join(root, 'dist'), modelsDir: path.join(repo, 'models'), quiet: true });
  server = await serveStaticSite({ dir: outDir });
  // The decoded test face (no one's photo) as the camera: chromium loops the file as its fake device.
  const video = path.join(root, 'face.y4m');
  await writeFile(video, faceVideoY4m(decodedFacePhoto(640, 480, 4)));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  await rm(artifacts, { recursive: true, force: true });
  await mkdir(artifacts, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function open(pathname: string, width: number, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
  page.on('pageerror', (error) => console.error(`page error on /${pathname}: ${error.message}`));
  await page.goto(`${server.url}/${pathname}`);
  return page;
}

const waitForModel = (page: Page) => page.waitForSelector('html[data-model-ready]', { timeout: 60_000 });

describe('the site with the shipped models', () => {
  it('the digits map holds all ten digits, drawn from every class of the training split', async () => {
    const page = await open('map/', 1280);
    await page.selectOption('[data-model-select]', 'digits');
    await waitForModel(page);
    const summary = page.locator('#map-summary');
    await expect.poll(() => summary.getAttribute('data-labels')).toBe('0,1,2,3,4,5,6,7,8,9');
    expect(await summary.textContent()).toMatch(/stratified sample of 4,000 of the 9,000 training codes/);
    const map = page.locator('#map-canvas');
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.5);
    await expect.poll(() => page.textContent('#map-thumb-caption')).toMatch(/^Training code \S+, labelled \d, decoded$/);
    expect((await canvasFingerprint(page.locator('#map-thumb'))).spread).toBeGreaterThan(100);
    await page.screenshot({ path: path.join(artifacts, 'map-digits.png'), fullPage: true });
    await page.close();
  });

  it('a walk on the faces map decodes different faces, not one average face', async () => {
    const page = await open('map/', 1280);
    await page.selectOption('[data-model-select]', 'faces');
    await page.waitForSelector('html[data-model-ready="faces"]', { timeout: 60_000 });
    // The faces atlas (about 1 MB) is fetched and drawn after the model is ready: on a busy machine, seconds.
    await expect.poll(() => page.locator('#map-summary').textContent(), { timeout: 30_000 }).toMatch(/shuffled sample/);
    const map = page.locator('#map-canvas');
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.1);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.9, { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => page.locator('#map-walk canvas').count()).toBe(10);
    // Mean |Δ| between successive frames, 0..255: the plane of the two axes gave 17 on this walk (nearly one face),
    // the blend of real codes 43 (scripts/rebuild-atlas.ts prints both).
    const change = await page.locator('#map-walk').evaluate((walk) => {
      const frames = [...walk.querySelectorAll('canvas')].map((c) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
      let sum = 0;
      for (let k = 1; k < frames.length; k++) for (let i = 0; i < frames[k].length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(frames[k][i + c] - frames[k - 1][i + c]);
      return sum / ((frames.length - 1) * (frames[0].length / 4) * 3);
    });
    expect(change).toBeGreaterThan(30);
    await page.close();
  });

  it('the home page shows real outputs, its title names the site once, and pages read in light and dark at 1280 and 390 px', async () => {
    const findings: Record<string, string[]> = {};
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        // The attributes page in light mode is audited by e2e.test.ts; here it is checked in dark mode.
        for (const pathname of ['', 'map/', '404.html', ...(colorScheme === 'dark' ? ['attributes/'] : [])]) {
          const page = await open(pathname, width, colorScheme);
          if (pathname === 'map/' || pathname === 'attributes/') await waitForModel(page);
          const name = `${pathname.replace(/(\/|\.html)$/, '') || 'home'}-${width}-${colorScheme}`;
          findings[name] = await seriousAxeFindings(page);
          expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
          await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
          await page.close();
        }
      }
    }
    expect(Object.entries(findings).filter(([, violations]) => violations.length)).toEqual([]);

    const home = await open('', 1280, 'dark');
    expect(await home.title()).toBe('latentlab: autoencoders you can touch');
    const pictures = home.locator('.showcase img');
    expect(await pictures.count()).toBeGreaterThanOrEqual(4);
    for (const picture of await pictures.all()) {
      await picture.scrollIntoViewIfNeeded();
      await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    }
    expect(await home.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe('rgb(255, 255, 255)');
    const map = await open('map/', 1280);
    expect(await map.title()).toBe('Latent map · latentlab');
    await Promise.all([home.close(), map.close()]);
  });

  it(`live camera: align, encode, edit and decode at ≥ ${MIN_FRAMES_PER_SECOND} frames/s on wasm`, async () => {
    const page = await open('attributes/?ep=wasm', 1280);
    await waitForModel(page);
    const webcam = page.locator('[data-webcam]');
    await page.click('[data-webcam-start]');
    await expect.poll(async () => Number(await webcam.getAttribute('data-frames')), { timeout: 60_000 }).toBeGreaterThan(20);
    const output = page.locator('[data-webcam-output]');
    expect((await canvasFingerprint(output)).spread).toBeGreaterThan(50);
    await expect.poll(() => page.textContent('[data-webcam-rate]')).toMatch(/frames\/s$/);
    // The fake camera shows the decoded test face: the frames go through alignment, not the centre-crop fallback.
    expect(await page.textContent('[data-webcam-rate]')).not.toMatch(/no face/);

    // Measured here, from the frame counter over wall time, not taken from the page's own figure. Other test files
    // and jobs share this machine's two cores, so the best of three 3-second windows is what the pipeline sustains
    // when it has the CPU; all three are printed.
    const count = async () => Number(await webcam.getAttribute('data-frames'));
    const windows: number[] = [];
    for (let w = 0; w < 3; w++) {
      const [frames0, t0] = [await count(), Date.now()];
      await page.waitForTimeout(3000);
      windows.push(((await count()) - frames0) / ((Date.now() - t0) / 1000));
    }
    console.log(`webcam: ${windows.map((f) => f.toFixed(1)).join(', ')} frames/s over three 3-s windows (page says ${await webcam.getAttribute('data-frames-per-second')})`);
    expect(Math.max(...windows)).toBeGreaterThanOrEqual(MIN_FRAMES_PER_SECOND);

    const before = await canvasFingerprint(output);
    await page.selectOption('[data-webcam-attribute]', 'Smiling');
    await page.locator('[data-webcam-strength]').fill('1');
    await expect.poll(async () => (await canvasFingerprint(output)).hash).not.toBe(before.hash);
    await page.screenshot({ path: path.join(artifacts, 'webcam.png') });
    await page.click('[data-webcam-stop]');
    await expect.poll(() => page.textContent('[data-webcam-status]')).toBe('Camera stopped.');
    await page.close();
  });

  it.skipIf(!celebaPresent)('an attribute taught on the page from 8 + 8 held-out photos moves the judge the taught way on 8 others', async () => {
    const { positives, negatives } = heldOutFaces('Smiling');
    const half = (list: string[]) => list.slice(0, Math.floor(list.length / 2));
    const [teachWith, teachWithout] = [half(positives).slice(0, 8), half(negatives).slice(0, 8)];
    const judged = negatives.slice(Math.floor(negatives.length / 2)).slice(0, 8);
    const page = await open('attributes/', 1280);
    await page.selectOption('[data-model-select]', 'faces');
    await page.waitForSelector('html[data-model-ready="faces"]', { timeout: 60_000 });
    await page.setInputFiles('#teach-positive', teachWith);
    await page.setInputFiles('#teach-negative', teachWithout);
    await page.fill('#teach-name', 'Smile (taught)');
    await page.click('#teach-button');
    await expect.poll(() => page.locator('#teach-status').textContent(), { timeout: 120_000 }).toMatch(/^Taught "Smile \(taught\)" from 8 \+ 8 photos/);
    await page.locator('fieldset[data-taught] input[type="range"]').fill('1');
    await page.click('#attr-api');
    await expect.poll(() => page.locator('#attr-api-code').textContent()).toMatch(/custom:[A-Za-z0-9_-]{40,}/);
    const token = /custom:([A-Za-z0-9_-]+)/.exec((await page.locator('#attr-api-code').textContent())!)![1];
    await page.close();

    // Judged in Node by the shipped judge.onnx on photos neither the model nor the teaching saw.
    const folder = path.join(repo, 'models', 'faces');
    const model = await loadModel(async (file) => new Uint8Array(await readFile(path.join(folder, file))).buffer);
    const vector = readCustomToken(token, 'faces', model.manifest.latent.dim);
    const runtime = new ModelRuntime(model, ort, { sessionOptions: { intraOpNumThreads: 1 } });
    const codes = await runtime.encode(judged.map((file) => preprocessImage(decodeImage(new Uint8Array(readFileSync(file))), model.manifest.input)));
    const [before, after] = await Promise.all([runtime.decode(codes), runtime.decode(codes.map((z) => z.map((v, i) => v + vector[i])))]);
    const judge = await ort.InferenceSession.create(path.join(folder, 'judge.onnx'));
    const smiling = (model.manifest.metrics.judgeAttributes as string).split(',').indexOf('Smiling');
    const judgeSmiling = async (images: Float32Array[]) => {
      const batch = new Float32Array(images.length * images[0].length);
      images.forEach((image, i) => batch.set(image, i * image.length));
      const { probabilities } = await judge.run({ image: new ort.Tensor('float32', batch, [images.length, 3, 64, 64]) });
      return images.map((_, i) => (probabilities.data as Float32Array)[i * 10 + smiling]);
    };
    const [p0, p1] = [await judgeSmiling(before), await judgeSmiling(after)];
    const raised = p1.filter((p, i) => p > p0[i]).length;
    const flipped = p1.filter((p, i) => p0[i] < 0.5 && p >= 0.5).length;
    console.log(`taught Smiling at strength 1: judge probability ${mean(p0).toFixed(3)} -> ${mean(p1).toFixed(3)} on 8 held-out non-smiling photos; raised on ${raised}, flipped ${flipped}`);
    expect(raised).toBeGreaterThanOrEqual(6);
    expect(mean(p1)).toBeGreaterThan(mean(p0) + 0.1);
  }, 240_000);
});

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
