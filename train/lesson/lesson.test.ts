import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModel } from '#core/model-loader.ts';
import { loadMnist } from '../data/mnist.ts';
import { splitDataset } from '../data/split.ts';
import { encodeMnistAsset, lessonSplit } from './mnist-asset.ts';
import { fitLessonPca, lessonModel, lessonModelFolder, meanSquaredError, NetworkTrainer, runRows, type LessonNetwork } from './index.ts';

const small = () => splitDataset(loadMnist(40), { validationFraction: 0.1, seed: 2026 });

describe('the trainer\'s web entry (#trainer)', () => {
  it('bundles for a browser: nothing it reaches imports node: modules or onnxruntime-node', async () => {
    // esbuild refuses node: modules when bundling for a browser, so a build that succeeds proves the first half.
    const result = await build({ entryPoints: [path.join(import.meta.dirname, 'index.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', external: ['onnxruntime-common'] });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => /onnxruntime-(node|web)|node:/.test(file))).toEqual([]);
    expect(inputs).toEqual(expect.arrayContaining(['train/graphs/training.ts', 'train/engine/step-loop.ts', 'train/optim/adam.ts']));
  }, 60_000);

  it('round-trips the MNIST asset: pixels to 1/255, labels, ids and the split sizes', () => {
    const split = small();
    const { image, index } = encodeMnistAsset(split);
    const back = lessonSplit(image, JSON.parse(index));
    expect([back.train.count, back.validation.count]).toEqual([split.train.count, split.validation.count]);
    expect(back.validation.ids).toEqual(split.validation.ids);
    expect(Array.from(back.train.labels!.values)).toEqual(Array.from(split.train.labels!.values));
    const worst = back.train.images.reduce((m, v, i) => Math.max(m, Math.abs(v - split.train.images[i])), 0);
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    expect(Object.keys(back.train.attributes)).toContain('odd');
  });

  it('refuses an asset whose index does not match its image', () => {
    const { image, index } = encodeMnistAsset(small());
    const wrong = { ...JSON.parse(index), labels: '0123' };
    expect(() => lessonSplit(image, wrong)).toThrow(/4 labels/);
  });

  it('trains a lesson network, beats its first loss, and exports a folder the core loader accepts', async () => {
    const { train, validation } = small();
    const model = lessonModel('dense') as LessonNetwork;
    const trainer = await NetworkTrainer.create(ort, model, train, { seed: 1 });
    const first = (await trainer.step()).get('loss')!;
    let last = first;
    for (let i = 0; i < 40; i++) last = (await trainer.step()).get('loss')!;
    expect(last).toBeLessThan(first / 3);
    expect(trainer.epochs).toBeCloseTo((41 * model.batch) / train.count, 6);
    const mse = meanSquaredError(await trainer.reconstruct(validation.images), validation.images);
    const { files, manifest } = await lessonModelFolder(ort, { id: 'my-dense-digits', title: model.title, kind: 'autoencoder', ...trainer.graphs(), metrics: { validationMse: mse }, seed: 1 }, train);
    await trainer.release();
    expect(manifest.latent.dim).toBe(32);
    expect(Object.keys(manifest.files).sort()).toEqual(['atlas', 'atlasIndex', 'attributes', 'decoder', 'encoder']);

    const dir = await mkdtemp(path.join(tmpdir(), 'lesson-folder-'));
    try {
      for (const f of files) await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true }).then(() => writeFile(path.join(dir, f.path), f.bytes));
      const loaded = await loadModel(async (p) => new Uint8Array(await readFile(path.join(dir, p))).buffer);
      expect(loaded.manifest.id).toBe('my-dense-digits');
      expect(Object.keys(loaded.attributes.attributes)).toEqual(expect.arrayContaining(['odd', 'digit_7']));
      const codes = await runRows(ort, loaded.encoder, validation.images, validation.shape);
      const again = await runRows(ort, loaded.decoder, codes, [32]);
      expect(meanSquaredError(again, validation.images)).toBeCloseTo(mse, 6);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('exports a wide code (the sparse net\'s 1,024 units) with mean and std, mean-difference vectors and no map', async () => {
    const { train } = small();
    const model = lessonModel('sparse') as LessonNetwork;
    const trainer = await NetworkTrainer.create(ort, model, train, { seed: 1 });
    for (let i = 0; i < 3; i++) await trainer.step();
    const { manifest, files } = await lessonModelFolder(ort, { id: 'my-sparse-digits', title: model.title, kind: 'autoencoder', ...trainer.graphs(), metrics: {}, seed: 1 }, train);
    await trainer.release();
    expect(manifest.latent.dim).toBe(1024);
    expect(manifest.latent.covariance).toBeUndefined();
    expect(Object.keys(manifest.files).sort()).toEqual(['attributes', 'decoder', 'encoder']);
    const attributes = JSON.parse(new TextDecoder().decode(files.find((f) => f.path === 'attributes.json')!.bytes));
    expect(attributes.attributes.odd.method).toBe('mean-difference');
  }, 60_000);

  it('fits the PCA baseline, whose exported graphs reconstruct as its own arithmetic does', async () => {
    const { train, validation } = small();
    const pca = await fitLessonPca(ort, train, 8, 1);
    const direct = pca.reconstruct(validation.images);
    const { encoder, decoder } = pca.graphs();
    const viaGraphs = await runRows(ort, decoder, await runRows(ort, encoder, validation.images, validation.shape), [8]);
    expect(meanSquaredError(viaGraphs, direct)).toBeLessThan(1e-10);
    expect(meanSquaredError(direct, validation.images)).toBeLessThan(meanSquaredError(new Float32Array(direct.length), validation.images));
  });
});
