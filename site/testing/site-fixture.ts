import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from '#core/image/encode.ts';
import { parseManifest } from '#core/manifest.ts';
import { decodedFacePhoto } from '../../edge/testing/decoded-face.ts';
import { Random } from '#core/random.ts';
import { createFixtureModel, type FixtureModel } from '../../train/testing/fixture-model.ts';
import { chwToRgba, syntheticImage } from '../../train/testing/synthetic-images.ts';
import { writeFixtureModel } from '../../train/testing/write-fixture.ts';
import { buildSite } from '../build.ts';
import { addFixtureAtlas } from '../../train/testing/fixture-atlas.ts';
import * as ortNode from 'onnxruntime-node';
import sharp from 'sharp';
import { ModelRuntime } from '#core/runtime.ts';

export interface TestSite {
  root: string;
  distDir: string;
  modelId: string;
  /** The fixture model again, declared a face model (manifest `input.face`), so uploads are face-aligned. */
  faceModelId: string;
}

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoModels = path.join(repo, 'models');

/** The same weights under another id, with the eye and mouth positions of the shipped faces model. */
function asFaceModel(model: FixtureModel): FixtureModel {
  const id = `${model.id}-face`;
  const face = { leftEye: [0.3555, 0.5189] as [number, number], rightEye: [0.6323, 0.52] as [number, number], mouth: [0.4926, 0.8244] as [number, number] };
  const manifest = parseManifest({ ...model.manifest, id, title: `${model.manifest.title}, as a face model`, input: { ...model.manifest.input, face } });
  const files = new Map(model.files);
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
  return { ...model, id, manifest, files };
}

/**
 * Builds the real site into a temp folder with the fixture model (a PCA autoencoder made on the fly, plus a latent-map
 * atlas of its codes) as its only model.
 */
export async function buildTestSite(): Promise<TestSite> {
  // Inside the repository (.cache/ is ignored): Astro stages an outDir outside the working directory in the shared
  // ./.astro/.prerender/, so two browser test files building at once would delete each other's pages.
  await mkdir(path.join(repo, '.cache'), { recursive: true });
  const root = await mkdtemp(path.join(repo, '.cache', 'site-test-'));
  const model = await createFixtureModel();
  const modelDir = await writeFixtureModel(path.join(root, 'models'), model);
  const runtime = new ModelRuntime(
    { manifest: model.manifest, attributes: model.attributes, encoder: model.files.get('encoder.onnx')!, decoder: model.files.get('decoder.onnx')! },
    ortNode,
  );
  await addFixtureAtlas(modelDir, runtime);
  const faceModel = asFaceModel(model);
  await writeFixtureModel(path.join(root, 'models'), faceModel);
  await cp(path.join(repoModels, 'align'), path.join(root, 'models', 'align'), { recursive: true });
  const { outDir } = await buildSite({ outDir: path.join(root, 'dist'), modelsDir: path.join(root, 'models'), quiet: true });
  return { root, distDir: outDir, modelId: model.id, faceModelId: faceModel.id };
}

/** Writes the decoded test face (see edge/testing/decoded-face.ts) on a 320×240 background as a PNG upload. */
export async function writeFacePng(file: string): Promise<string> {
  await writeFile(file, encodePng(decodedFacePhoto()));
  return file;
}

/** The decoded test face at the scale of a 640×480 phone snapshot, as a JPEG upload (quality 92, via sharp). */
export async function writeFaceJpeg(file: string): Promise<string> {
  const photo = decodedFacePhoto(640, 480, 4);
  await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 4 } }).jpeg({ quality: 92 }).toFile(file);
  return file;
}

/** Writes a synthetic picture (a disc or square on a gradient) as a PNG of `size`×`size`, as a user would upload it. */
export async function writeSyntheticPng(file: string, seed: number, size = 96): Promise<string> {
  const { pixels } = syntheticImage(Random.fromSeed(seed), size);
  await writeFile(file, encodePng({ width: size, height: size, data: chwToRgba(pixels, size, size) }));
  return file;
}
