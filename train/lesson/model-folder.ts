import type { InferenceSession } from 'onnxruntime-common';
import type { Manifest } from '#core/manifest.ts';
import { sha256Hex } from '#core/sha256.ts';
import type { Dataset } from '../data/dataset.ts';
import { MNIST_DATA, MNIST_INPUT } from '../data/mnist-dataset.ts';
import type { OrtApi } from '../engine/step-loop.ts';
import { attributeVectors } from '../latent/attribute-vectors.ts';
import { attributesFile, codeSpaceFiles } from '../latent/code-space.ts';
import { folderContents, folderManifest, manifestText, type ManifestDraft } from '../model-folder/contents.ts';
import { runRows } from './run-images.ts';

/**
 * Above this code size (the sparse and denoising nets' 1,024 units) the dim² covariance would dominate the manifest, and
 * the partial-effect regression and the map's eigenvectors (O(dim³) in JS) took 35–46 s: such a folder gets mean and std
 * (sampling uses them), mean-difference attribute vectors and no latent map.
 */
const MAX_FULL_DIM = 256;

interface CodeSpace {
  latent: Manifest['latent'];
  attributes: ReturnType<typeof attributesFile>;
  extra: Record<string, { path: string; bytes: Uint8Array | string }>;
}

function wideCodeSpace(codes: Float32Array, dim: number, train: Dataset): CodeSpace {
  const mean = new Float64Array(dim);
  const square = new Float64Array(dim);
  for (let n = 0; n < train.count; n++)
    for (let j = 0; j < dim; j++) {
      const v = codes[n * dim + j];
      mean[j] += v;
      square[j] += v * v;
    }
  const m = Array.from(mean, (s) => s / train.count);
  const std = Array.from(square, (s, j) => Math.sqrt(Math.max(0, (s - train.count * m[j] ** 2) / (train.count - 1))));
  const { vectors } = attributeVectors(codes, train.count, dim, train.attributes, { method: 'mean-difference', ridge: 0 });
  return { latent: { dim, mean: m, std }, attributes: attributesFile(vectors), extra: {} };
}

async function codeSpace(codes: Float32Array, dim: number, train: Dataset, decode: (c: Float32Array, n: number) => Promise<Float32Array>, seed: number): Promise<CodeSpace> {
  if (dim > MAX_FULL_DIM) return wideCodeSpace(codes, dim, train);
  const space = await codeSpaceFiles(codes, dim, train, decode, { seed });
  const extra = { atlas: { path: 'atlas.png', bytes: space.atlas.png }, atlasIndex: { path: 'atlas.json', bytes: JSON.stringify(space.atlas.index) } };
  return { latent: space.latent, attributes: space.attributes, extra };
}

export interface LessonExport {
  id: string;
  title: string;
  kind: 'autoencoder' | 'pca';
  encoder: Uint8Array;
  decoder: Uint8Array;
  /** Headline figures for manifest.metrics (finite numbers and strings). */
  metrics: Record<string, number | string | boolean>;
  seed: number;
}

export interface FolderFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * A model folder for what the tab trained, under the same artifact contract the trainer writes: encoder and decoder,
 * latent statistics, attribute vectors and the latent map, all from the training codes. The API loads it from
 * MODELS_DIR and the site from a zip.
 */
export async function lessonModelFolder(ort: OrtApi, lesson: LessonExport, train: Dataset, sessionOptions?: InferenceSession.SessionOptions): Promise<{ manifest: Manifest; files: FolderFile[] }> {
  const codes = await runRows(ort, lesson.encoder, train.images, train.shape, sessionOptions);
  const dim = codes.length / train.count;
  const decode = (c: Float32Array, n: number) => runRows(ort, lesson.decoder, c.subarray(0, n * dim), [dim], sessionOptions);
  const space = await codeSpace(codes, dim, train, decode, lesson.seed);
  const draft: ManifestDraft = {
    schemaVersion: 1,
    id: lesson.id,
    title: lesson.title,
    version: '1.0.0',
    kind: lesson.kind,
    card: {
      summary: `${lesson.title}, trained in a browser tab by latentlab's Train page (onnxruntime-web).`,
      data: MNIST_DATA,
      intendedUse: 'Teaching: compare what a visitor trained with PCA and the shipped models, and play with its codes.',
      limitations: 'Trained for minutes on 9,000 MNIST digits; its attribute vectors are estimated from those codes only.',
    },
    input: MNIST_INPUT,
    latent: space.latent,
    metrics: { ...lesson.metrics, trainImages: train.count },
  };
  const contents = folderContents(draft, {
    encoder: lesson.encoder,
    decoder: lesson.decoder,
    attributes: space.attributes,
    extra: space.extra,
  });
  const hashes = new Map(await Promise.all([...contents].map(async ([key, { bytes }]) => [key, await sha256Hex(bytes)] as const)));
  const manifest = folderManifest(draft, contents, (key) => hashes.get(key)!);
  return { manifest, files: [...contents.values(), { path: 'manifest.json', bytes: new TextEncoder().encode(manifestText(manifest)) }] };
}
