import type { Dataset } from '../data/dataset.ts';
import type { OrtApi } from '../engine/step-loop.ts';
import { pcaDecoderOnnx, pcaEncoderOnnx } from '../pca/export.ts';
import { fitPca, pcaDecode, pcaEncode, type PcaModel } from '../pca/fit.ts';

export interface LessonPcaFit {
  model: PcaModel;
  reconstruct(images: Float32Array): Float32Array;
  graphs(): { encoder: Uint8Array; decoder: Uint8Array };
}

/** PCA of the training digits in closed form (randomized subspace iteration, seeded), as the trainer fits its baseline. */
export async function fitLessonPca(ort: OrtApi, train: Dataset, code: number, seed: number): Promise<LessonPcaFit> {
  const model = await fitPca(ort, train.images, train.count, train.shape, code, { seed });
  const pixels = train.shape[0] * train.shape[1] * train.shape[2];
  return {
    model,
    // Clipped to [0,1] as the exported decoder (and so the trainer's PCA baseline) is.
    reconstruct: (images) => {
      const count = images.length / pixels;
      return pcaDecode(model, pcaEncode(model, images, count), count).map((v) => Math.min(1, Math.max(0, v)));
    },
    graphs: () => ({ encoder: pcaEncoderOnnx(model), decoder: pcaDecoderOnnx(model) }),
  };
}

/** Mean squared error per pixel between two equally long image buffers. */
export function meanSquaredError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`meanSquaredError: ${a.length} and ${b.length} values`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}
