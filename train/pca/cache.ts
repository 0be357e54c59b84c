import * as ort from 'onnxruntime-node';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ImageShape } from '../data/dataset.ts';
import { fitPca, type PcaModel, type PcaOptions } from './fit.ts';

const headerSchema = z.object({
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  dim: z.number().int().positive(),
  totalVariance: z.number().nonnegative(),
  method: z.enum(['covariance', 'randomized']),
});

/** Bump when fitPca's results or this file's layout change, so older cache files are never read as current. */
const PCA_CACHE_VERSION = 1;

/** The key covers the pixels themselves, so a changed crop, split or source can never reuse an old fit. */
export function pcaCacheKey(images: Float32Array, shape: ImageShape, dim: number, options: PcaOptions): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ version: PCA_CACHE_VERSION, shape, dim, method: options.method ?? 'randomized', seed: options.seed ?? 0, oversample: options.oversample, powerIterations: options.powerIterations }));
  hash.update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
  return hash.digest('hex').slice(0, 16);
}

/**
 * One file: a JSON header line, then mean (float32), components (float32) and variances (float64), each at
 * an 8-byte aligned offset so the arrays can be viewed without copying.
 */
function serialize(model: PcaModel): Buffer {
  const header = Buffer.from(JSON.stringify({ shape: model.shape, dim: model.dim, totalVariance: model.totalVariance, method: model.method }) + '\n');
  const pad = (n: number) => Buffer.alloc((8 - (n % 8)) % 8);
  const head = Buffer.concat([header, pad(header.length)]);
  const values = new Float32Array(model.mean.length + model.components.length);
  values.set(model.mean);
  values.set(model.components, model.mean.length);
  const floats = Buffer.from(values.buffer);
  return Buffer.concat([head, floats, pad(floats.length), Buffer.from(model.variances.buffer, model.variances.byteOffset, model.variances.byteLength)]);
}

function deserialize(bytes: Buffer): PcaModel {
  const newline = bytes.indexOf(0x0a);
  const header = headerSchema.parse(JSON.parse(bytes.subarray(0, newline).toString('utf8')));
  const size = header.shape[0] * header.shape[1] * header.shape[2];
  const floatStart = Math.ceil((newline + 1) / 8) * 8;
  const floatCount = size + header.dim * size;
  const varianceStart = Math.ceil((floatStart + floatCount * 4) / 8) * 8;
  if (bytes.length !== varianceStart + header.dim * 8) throw new Error('PCA cache file has the wrong length');
  const copy = new Uint8Array(bytes.subarray(floatStart, floatStart + floatCount * 4)).buffer;
  const floats = new Float32Array(copy);
  const variances = new Float64Array(new Uint8Array(bytes.subarray(varianceStart)).buffer);
  return { ...header, shape: header.shape as ImageShape, mean: floats.slice(0, size), components: floats.slice(size), variances };
}

/**
 * fitPca, remembered in `dir` by the data's hash: the baseline of a faces run takes minutes to fit and is the
 * same for every architecture trained on the same images. A damaged cache file is refitted, never trusted.
 */
export async function cachedFitPca(dir: string, images: Float32Array, count: number, shape: ImageShape, dim: number, options: PcaOptions = {}): Promise<PcaModel> {
  const file = join(dir, `pca-${pcaCacheKey(images.subarray(0, count * shape[0] * shape[1] * shape[2]), shape, dim, options)}.bin`);
  if (existsSync(file)) {
    try {
      return deserialize(readFileSync(file));
    } catch {
      // Fall through and refit: a torn or foreign file is replaced below.
    }
  }
  const model = await fitPca(ort, images, count, shape, dim, options);
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, serialize(model));
  renameSync(temporary, file);
  return model;
}
