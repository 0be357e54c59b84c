import { strideTwoConvAutoencoder } from '../../model/presets.ts';
import { parseModel, type ModelSpec, type ModelSpecInput } from '../../model/spec.ts';

// Tiny models for the tfjs tests: pure tfjs runs on its slow cpu backend here.

/** conv-digits in miniature: strided convs, flatten, linear code, convTranspose with outputPadding. */
export const digitsLike = strideTwoConvAutoencoder({ name: 'digits-like', input: [1, 8, 8], channels: [3, 4], code: 5 });

/** Every layer type, both convTranspose paths (cropped, and padded when outputPadding > padding), a VAE head and a sparse code. */
export function everyLayer(reconstruction: 'mse' | 'bce' | 'l1'): ModelSpec {
  const declaration: ModelSpecInput = {
    name: `every-layer-${reconstruction}`,
    input: [2, 8, 8],
    encoder: [
      { type: 'gaussianNoise', std: 0.1 },
      { type: 'conv2d', out: 3, kernel: 3, stride: 1, padding: 1 },
      { type: 'elu', alpha: 0.5 },
      { type: 'dropout', rate: 0.25 },
      { type: 'conv2d', out: 4, kernel: 2, stride: 2 },
      { type: 'leakyRelu', alpha: 0.2 },
      { type: 'flatten' },
      { type: 'linear', out: 8, name: 'features' },
      { type: 'tanh' },
    ],
    vae: { latentDim: 3 },
    decoder: [
      { type: 'linear', out: 18 },
      { type: 'elu' },
      { type: 'reshape', shape: [2, 3, 3] },
      { type: 'convTranspose2d', out: 3, kernel: 3, stride: 2, outputPadding: 1 },
      { type: 'relu' },
      { type: 'gaussianNoise', std: 0.05 },
      { type: 'dropout', rate: 0.2 },
      { type: 'upsample', scale: 2 },
      { type: 'conv2d', out: 2, kernel: 4, stride: 2, padding: 1 },
      { type: 'convTranspose2d', out: 2, kernel: 3, stride: 1, padding: 1 },
      { type: 'sigmoid' },
    ],
    loss: { reconstruction, klWeight: 0.5, sparsity: { layer: 'features', weight: 0.1 } },
  };
  return parseModel(declaration);
}
