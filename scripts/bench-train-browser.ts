import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lessonModel, lessonSplit, MNIST_ASSET, NetworkTrainer, type LessonNetwork, type LessonSplit } from '#trainer';
import { startNodeServer } from '../edge/node/server.ts';
import { launchChromium } from '../site/testing/browser.ts';
import { buildProductionSite } from './build-site.ts';

/**
 * `npm run bench:train-browser`: the Train page's throughput in Debian chromium (wasm, cross-origin isolated, so with
 * threads) against onnxruntime-node on the same graph, same batch and same data, measured before and after the tab
 * in the same run; and how long the tab takes to beat PCA-32 on its validation digits.
 */
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'conv' },
    site: { type: 'string' },
    seconds: { type: 'string', default: '90' },
    threads: { type: 'string', default: '2' },
  },
});
const seconds = Number(values.seconds);
const threads = Number(values.threads);
if (!(seconds >= 20 && seconds <= 600) || !Number.isInteger(threads) || threads < 1) throw new Error('--seconds must be 20..600 and --threads a positive integer');
const model = lessonModel(values.model!);
if (model.kind !== 'autoencoder') throw new Error(`--model ${values.model}: PCA has no training steps to time`);

async function nodeRate(network: LessonNetwork, data: LessonSplit, steps: number): Promise<number> {
  const options = { intraOpNumThreads: threads, graphOptimizationLevel: 'all' as const, extra: { session: { intra_op: { allow_spinning: '0' } } } };
  const trainer = await NetworkTrainer.create(ort, network, data.train, { seed: 1, sessionOptions: options });
  for (let i = 0; i < 20; i++) await trainer.step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) await trainer.step();
  const rate = (steps * network.batch) / ((performance.now() - start) / 1000);
  await trainer.release();
  return rate;
}

async function tabRun(url: string): Promise<{ rates: number[]; beatPcaAt?: number; lastRatio?: number; backend: string }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/train/?model=${values.model}&backend=wasm`);
    if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error('the Train page is not cross-origin isolated: check its COOP/COEP headers');
    await page.click('[data-train-start]');
    const stat = (name: string) => page.textContent(`[data-stat="${name}"]`).then((t) => t ?? '');
    const rates: number[] = [];
    let beatPcaAt: number | undefined;
    let lastRatio: number | undefined;
    const started = Date.now();
    while (Date.now() - started < seconds * 1000) {
      await page.waitForTimeout(1000);
      const time = Number.parseFloat(await stat('time'));
      const ratio = /\(([\d.]+)× PCA-32\)/.exec(await stat('validation'))?.[1];
      if (ratio) lastRatio = Number(ratio);
      if (ratio && Number(ratio) < 1 && beatPcaAt === undefined) beatPcaAt = time;
      if (time > 10) rates.push(Number((await stat('rate')).replace(/,/g, '')));
    }
    return { rates, beatPcaAt, lastRatio, backend: await stat('backend') };
  } finally {
    await browser.close();
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const siteDir = values.site ?? (await buildProductionSite({ outDir: path.join('/tmp', 'latentlab-bench-train-site') })).outDir;
if (!existsSync(path.join(siteDir, 'learn', MNIST_ASSET.image))) throw new Error(`${siteDir} has no learn/${MNIST_ASSET.image}: build the site first`);
const data = lessonSplit(new Uint8Array(await readFile(path.join(siteDir, 'learn', MNIST_ASSET.image))), JSON.parse(await readFile(path.join(siteDir, 'learn', MNIST_ASSET.index), 'utf8')));
const server = await startNodeServer({ port: 0, hostname: '127.0.0.1', siteDir, modelsDir: 'models' });
try {
  const before = await nodeRate(model, data, 150);
  const tab = await tabRun(`http://127.0.0.1:${server.port}`);
  const after = await nodeRate(model, data, 150);
  const node = (before + after) / 2;
  const browser = median(tab.rates);
  console.log(JSON.stringify({ model: values.model, threads, nodeImagesPerSecond: { before: Math.round(before), after: Math.round(after) }, tab: { backend: tab.backend, imagesPerSecondMedian: Math.round(browser), samples: tab.rates.length }, ratio: Number((browser / node).toFixed(3)), beatPca32AtSeconds: tab.beatPcaAt ?? null, finalRatioToPca32: tab.lastRatio ?? null }));
} finally {
  await server.close();
}
