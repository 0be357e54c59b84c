import { assertValidModel } from '../onnx/check.ts';
import { GraphBuilder, float } from '../onnx/graph.ts';
import { imageSize } from '../data/dataset.ts';
import type { PcaModel } from './fit.ts';

/** `image` [N,C,H,W] → Flatten → Gemm(W, bias = −W·mean) → `latent` [N,dim]: the mean subtraction folded into the bias. */
export function pcaEncoderOnnx(model: PcaModel): Uint8Array {
  const size = imageSize(model.shape);
  const bias = new Float32Array(model.dim);
  for (let j = 0; j < model.dim; j++) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += model.components[j * size + i] * model.mean[i];
    bias[j] = -sum;
  }
  const graph = new GraphBuilder('pca_encoder');
  const image = graph.input('image', 'float32', ['N', ...model.shape]);
  const flat = graph.op('Flatten', [image], { axis: 1 });
  const weight = graph.initializer('components', 'float32', [model.dim, size], model.components);
  const offset = graph.initializer('bias', 'float32', [model.dim], bias);
  graph.output(graph.op('Gemm', [flat, weight, offset], { transB: 1 }, 'latent'), 'float32', ['N', model.dim]);
  const bytes = graph.serialize();
  assertValidModel(bytes, 'PCA encoder');
  return bytes;
}

/** `latent` [N,dim] → Gemm(W, mean) → Clip [0,1] → Reshape → `image` [N,C,H,W]. */
export function pcaDecoderOnnx(model: PcaModel): Uint8Array {
  const size = imageSize(model.shape);
  const graph = new GraphBuilder('pca_decoder');
  const latent = graph.input('latent', 'float32', ['N', model.dim]);
  const weight = graph.initializer('components', 'float32', [model.dim, size], model.components);
  const mean = graph.initializer('mean', 'float32', [size], model.mean);
  const flat = graph.op('Gemm', [latent, weight, mean], { alpha: float(1), beta: float(1) });
  const clipped = graph.op('Clip', [flat, graph.scalar(0, 'zero'), graph.scalar(1, 'one')]);
  graph.output(graph.op('Reshape', [clipped, graph.ints([-1, ...model.shape], 'image_shape')], {}, 'image'), 'float32', ['N', ...model.shape]);
  const bytes = graph.serialize();
  assertValidModel(bytes, 'PCA decoder');
  return bytes;
}
