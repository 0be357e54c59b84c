import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '#core/model-loader.ts';
import { lessonModel, lessonSplit, MNIST_ASSET, NetworkTrainer, type LessonNetwork } from '#trainer';
import { startBrowserSession, testArtifacts, type BrowserSession } from './testing/browser-session.ts';

/** The Train page in Debian chromium on wasm: it learns, its losses are Node's, and what it exports loads back. */
let session: BrowserSession;

beforeAll(async () => {
  session = await startBrowserSession(testArtifacts(path.dirname(fileURLToPath(import.meta.url)), 'train'));
});

afterAll(async () => {
  await session?.close();
});

const stepShown = (page: Page) => page.textContent('[data-stat="step"]').then((t) => Number(t) || 0);

async function download(page: Page, selector: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(selector)]);
  return readFile((await file.path())!);
}

/** The first `steps` total losses of the same lesson network trained by onnxruntime-node on the site's own digits. */
async function nodeLosses(model: LessonNetwork, steps: number): Promise<number[]> {
  const learn = path.join(session.site.distDir, 'learn');
  const data = lessonSplit(new Uint8Array(await readFile(path.join(learn, MNIST_ASSET.image))), JSON.parse(await readFile(path.join(learn, MNIST_ASSET.index), 'utf8')));
  const trainer = await NetworkTrainer.create(ort, model, data.train, { seed: 1 });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await trainer.step()).get('loss')!);
  await trainer.release();
  return losses;
}

describe('the Train page in chromium (wasm)', () => {
  it('trains 100 steps in its worker with the loss falling 3×, the same losses as Node, and exports a folder that loads back', async () => {
    const page = await session.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${session.server.url}/train/?model=conv&backend=wasm&seed=1`);
    await page.click('[data-train-start]');
    await expect.poll(() => stepShown(page), { timeout: 150_000, interval: 500 }).toBeGreaterThanOrEqual(100);
    await page.click('[data-train-pause]');
    await page.waitForTimeout(500);
    const pausedAt = await stepShown(page);
    await page.waitForTimeout(1500);
    expect(await stepShown(page)).toBe(pausedAt);
    expect(await page.textContent('[data-stat="backend"]')).toMatch(/^wasm, 1 thread/);
    expect(await page.textContent('[data-stat="pca"]')).toMatch(/^0\.0\d+/);

    const log = (await download(page, '[data-train-log]')).toString('utf8').trim().split('\n');
    const columns = log[0].split(',');
    expect(columns.slice(0, 2)).toEqual(['step', 'loss']);
    const browser = log.slice(1).map((line) => Number(line.split(',')[1]));
    expect(browser.length).toBeGreaterThanOrEqual(100);
    expect(browser[0] / browser[99]).toBeGreaterThanOrEqual(3);

    const node = await nodeLosses(lessonModel('conv') as LessonNetwork, 50);
    const worst = Math.max(...node.map((loss, i) => Math.abs(browser[i] - loss) / loss));
    console.log(`Train page: loss ${browser[0].toFixed(4)} -> ${browser[99].toFixed(4)} in 100 steps; first 50 against onnxruntime-node: worst relative difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);

    const zip = await download(page, '[data-train-export]');
    const entries = unzipSync(new Uint8Array(zip));
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['my-conv-digits/manifest.json', 'my-conv-digits/encoder.onnx', 'my-conv-digits/atlas.png']));
    const loaded = await loadModel(async (p) => entries[`my-conv-digits/${p}`].slice().buffer);
    expect(loaded.manifest).toMatchObject({ id: 'my-conv-digits', kind: 'autoencoder', latent: { dim: 32 } });
    expect(loaded.manifest.metrics.validationMse).toBeGreaterThan(0);

    await page.click('.train-open summary');
    await page.setInputFiles('[data-train-open]', { name: 'my-conv-digits.zip', mimeType: 'application/zip', buffer: zip });
    await expect.poll(() => page.textContent('[data-train-open-status]'), { timeout: 60_000 }).toMatch(/my-conv-digits\): a valid model folder, code size 32; validation MSE on the 1,000 validation digits 0\.0\d+/);
    await page.setInputFiles('[data-train-open]', { name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
    await expect.poll(() => page.textContent('[data-train-open-status]'), { timeout: 30_000 }).toMatch(/^Not a zip file/);
    await page.screenshot({ path: path.join(session.artifacts, 'train.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 300_000);
});
