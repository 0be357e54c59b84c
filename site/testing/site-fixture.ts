import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodePng } from '../../edge/core/image/encode.ts';
import { Random } from '../../edge/core/random.ts';
import { createFixtureModel } from '../../edge/testing/fixture-model.ts';
import { chwToRgba, syntheticImage } from '../../edge/testing/synthetic-images.ts';
import { writeFixtureModel } from '../../edge/testing/write-fixture.ts';
import { buildSite } from '../build.ts';
import { addFixtureAtlas } from './fixture-atlas.ts';
import * as ortNode from 'onnxruntime-node';
import { ModelRuntime } from '../../edge/core/runtime.ts';

export interface TestSite {
  root: string;
  distDir: string;
  modelId: string;
}

/**
 * Builds the real site into a temp folder with the fixture model (a PCA autoencoder made on the fly, plus a latent-map
 * atlas of its codes) as its only model.
 */
export async function buildTestSite(): Promise<TestSite> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'latentlab-site-'));
  const model = await createFixtureModel();
  const modelDir = await writeFixtureModel(path.join(root, 'models'), model);
  const runtime = new ModelRuntime(
    { manifest: model.manifest, attributes: model.attributes, encoder: model.files.get('encoder.onnx')!, decoder: model.files.get('decoder.onnx')! },
    ortNode,
  );
  await addFixtureAtlas(modelDir, runtime);
  const { outDir } = await buildSite({ outDir: path.join(root, 'dist'), modelsDir: path.join(root, 'models'), quiet: true });
  return { root, distDir: outDir, modelId: model.id };
}

/** Writes a synthetic picture (a disc or square on a gradient) as a PNG of `size`×`size`, as a user would upload it. */
export async function writeSyntheticPng(file: string, seed: number, size = 96): Promise<string> {
  const { pixels } = syntheticImage(Random.fromSeed(seed), size);
  await writeFile(file, encodePng({ width: size, height: size, data: chwToRgba(pixels, size, size) }));
  return file;
}
