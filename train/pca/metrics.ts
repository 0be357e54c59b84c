import * as ort from 'onnxruntime-node';
import { runBatched } from '../engine/batched.ts';
import { imageSize, type ImageShape } from '../data/dataset.ts';

export interface ReconstructionMetrics {
  /** Mean squared error per pixel value, images in [0,1]. */
  mse: number;
  /** 10·log10(1/mse), from the mean MSE over the set (not the mean of per-image PSNRs). */
  psnr: number;
  count: number;
}

export function reconstructionMetrics(original: Float32Array, reconstructed: Float32Array, count: number): ReconstructionMetrics {
  if (original.length !== reconstructed.length) throw new Error(`metrics: ${original.length} original values vs ${reconstructed.length} reconstructed`);
  let sum = 0;
  for (let i = 0; i < original.length; i++) {
    const d = original[i] - reconstructed[i];
    sum += d * d;
  }
  const mse = sum / original.length;
  return { mse, psnr: mse > 0 ? 10 * Math.log10(1 / mse) : Infinity, count };
}

/** Runs images through exported encoder/decoder ONNX graphs in batches; returns codes and reconstructions. */
export async function runAutoencoderOnnx(
  encoder: Uint8Array,
  decoder: Uint8Array,
  images: Float32Array,
  count: number,
  shape: ImageShape,
  batch = 256,
): Promise<{ codes: Float32Array; reconstructions: Float32Array; dim: number }> {
  const size = imageSize(shape);
  const encode = await ort.InferenceSession.create(encoder);
  const decode = await ort.InferenceSession.create(decoder);
  try {
    const codes = await runBatched(encode, images, count, shape, { chunk: batch, input: 'image', output: 'latent' });
    const dim = count ? codes.length / count : 0;
    const reconstructions = await runBatched(decode, codes, count, [dim], { chunk: batch, input: 'latent', output: 'image', outSize: size });
    return { codes, reconstructions, dim };
  } finally {
    await encode.release();
    await decode.release();
  }
}
