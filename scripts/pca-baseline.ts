/**
 * PCA baselines: fits PCA on MNIST (code 32) and on CelebA-9k 64×64 (code 128), writes both as model folders,
 * and prints validation MSE/PSNR and timings; the autoencoders' targets are stated relative to these.
 *
 *   npm run pca -- [--out DIR] [--only digits|faces] [--celeba DIR] [--digits-code 32] [--faces-code 128]
 *                  [--size 64] [--seed 2026] [--validation 0.1] [--cache DIR] [--exact-check]
 *
 * --seed is the train/validation split seed (the trainer's data.splitSeed default, so the figures compare).
 * --exact-check also fits the digits by the exact covariance eigendecomposition and prints how far the
 * randomized fit's validation MSE is from it, and the time ratio.
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadImageFolder } from '../train/data/image-folder.ts';
import { loadMnist } from '../train/data/mnist.ts';
import { CELEBA_DATA, MNIST_DATA, MNIST_INPUT, celebaInput } from '../train/data/sources.ts';
import { splitDataset } from '../train/data/split.ts';
import { buildPcaModel, type PcaModelResult } from '../train/pca/build.ts';
import { pcaDecoderOnnx, pcaEncoderOnnx } from '../train/pca/export.ts';
import { fitPca } from '../train/pca/fit.ts';
import { reconstructionMetrics, runAutoencoderOnnx } from '../train/pca/metrics.ts';

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function print(label: string, result: PcaModelResult, loadSeconds: number, dir: string): void {
  const s = result.seconds;
  console.log(
    `${label}: validation MSE ${result.validation.mse.toFixed(6)}  PSNR ${result.validation.psnr.toFixed(2)} dB  ` +
      `(${result.validation.count} images, explained variance ${(100 * result.explainedVariance).toFixed(1)}%)`,
  );
  console.log(
    `  seconds: load ${loadSeconds.toFixed(1)}, fit ${s.fit.toFixed(1)} (CPU ${s.fitCpu.toFixed(1)}), export ${s.export.toFixed(1)}, evaluate ${s.evaluate.toFixed(1)}, ` +
      `latent stats+atlas ${s.latent.toFixed(1)}, write ${s.write.toFixed(1)}  -> ${dir}`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: '.cache/pca-baseline' },
      only: { type: 'string' },
      celeba: { type: 'string', default: '../shared/datasets/celeba-9k' },
      cache: { type: 'string', default: '.cache/datasets' },
      'digits-code': { type: 'string', default: '32' },
      'faces-code': { type: 'string', default: '128' },
      size: { type: 'string', default: '64' },
      seed: { type: 'string', default: '2026' },
      validation: { type: 'string', default: '0.1' },
      'exact-check': { type: 'boolean', default: false },
    },
  });
  if (values.only && !['digits', 'faces'].includes(values.only)) throw new Error(`--only must be digits or faces, got ${values.only}`);
  const out = resolve(values.out);
  if (resolve(out) === resolve('models')) throw new Error('--out must not be models/: baselines are not shipped models');
  const seed = integer(values.seed, 'seed', 0, 2 ** 31 - 1);
  const validationFraction = Number(values.validation);
  if (!(validationFraction > 0 && validationFraction < 0.5)) throw new Error(`--validation must be between 0 and 0.5, got ${values.validation}`);

  if (values.only !== 'faces') {
    const dim = integer(values['digits-code'], 'digits-code', 1, 783);
    const start = performance.now();
    const split = splitDataset(loadMnist(), { validationFraction, seed });
    const loadSeconds = (performance.now() - start) / 1000;
    const dir = join(out, 'pca-digits');
    const result = await buildPcaModel({
      id: 'pca-digits',
      title: `MNIST digits, PCA with ${dim} components`,
      card: {
        summary: `Principal component analysis of MNIST digits: the linear baseline the autoencoders are measured against (code size ${dim}).`,
        data: MNIST_DATA,
        intendedUse: 'Baseline for reconstruction quality and a linear latent space to compare with the autoencoders.',
        limitations: 'Linear: reconstructions are blurry and codes off the data distribution decode to ghostly mixtures.',
      },
      input: MNIST_INPUT,
      split,
      dim,
      outDir: dir,
      pca: { seed },
      atlas: { grid: 16, thumbnail: 28 },
      provenance: { command: 'npm run pca', seed, validationFraction },
    });
    print(`digits PCA (code ${dim})`, result, loadSeconds, dir);
    if (values['exact-check']) {
      const start = performance.now();
      const exact = await fitPca(ort, split.train.images, split.train.count, split.train.shape, dim, { method: 'covariance' });
      const exactSeconds = (performance.now() - start) / 1000;
      const { validation } = split;
      const run = await runAutoencoderOnnx(pcaEncoderOnnx(exact), pcaDecoderOnnx(exact), validation.images, validation.count, validation.shape);
      const exactMse = reconstructionMetrics(validation.images, run.reconstructions, validation.count).mse;
      console.log(
        `  exact covariance PCA: validation MSE ${exactMse.toFixed(6)} (randomized is ${(100 * (result.validation.mse / exactMse - 1)).toFixed(4)}% above), ` +
          `fit ${exactSeconds.toFixed(1)} s = ${(exactSeconds / result.seconds.fit).toFixed(2)}× the randomized fit`,
      );
    }
  }

  if (values.only !== 'digits') {
    const celeba = resolve(values.celeba);
    if (!existsSync(celeba)) throw new Error(`CelebA folder ${celeba} does not exist; pass --celeba DIR or --only digits`);
    const dim = integer(values['faces-code'], 'faces-code', 1, 4096);
    const size = integer(values.size, 'size', 8, 512);
    const { crop, resize } = celebaInput(size).preprocess;
    const loaded = await loadImageFolder({ dir: celeba, size, crop, resize, cacheDir: resolve(values.cache), name: 'celeba' });
    const split = splitDataset(loaded.dataset, { validationFraction, seed });
    const dir = join(out, 'pca-faces');
    const result = await buildPcaModel({
      id: 'pca-faces',
      title: `CelebA faces ${size}×${size}, PCA with ${dim} components`,
      card: {
        summary: `Principal component analysis ("eigenfaces") of aligned CelebA faces at ${size}×${size}: the linear baseline for the face autoencoder (code size ${dim}).`,
        data: CELEBA_DATA,
        intendedUse: 'Non-commercial research and demonstration: a baseline for reconstruction quality and attribute directions.',
        limitations: 'Linear and trained on 8,100 aligned, mostly frontal celebrity faces: blurry, biased towards that population, poor on unaligned photos.',
      },
      input: loaded.input,
      split,
      dim,
      outDir: dir,
      pca: { seed },
      atlas: { grid: 16, thumbnail: 32 },
      provenance: { command: 'npm run pca', seed, validationFraction, source: celeba, datasetFromCache: loaded.fromCache },
    });
    print(`faces PCA ${size}×${size} (code ${dim})`, result, loaded.seconds, dir);
  }
}

main().catch((error: unknown) => {
  console.error(`pca-baseline: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
