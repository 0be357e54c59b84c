import { elu, leakyRelu, relu, sigmoid, tanh } from './activations.ts';
import { conv2d, convTranspose2d } from './conv.ts';
import { linear } from './linear.ts';
import { flatten, reshape, upsample } from './reshape.ts';
import { dropout, gaussianNoise } from './stochastic.ts';
import type { LayerRule, LayerTable } from './types.ts';
import type { LayerSpec } from '../model/spec.ts';

/** Every layer type of the model declaration, each with its forward and backward emission. */
export const LAYERS: LayerTable = { conv2d, convTranspose2d, linear, flatten, reshape, upsample, relu, leakyRelu, elu, sigmoid, tanh, dropout, gaussianNoise };

export function layerRule<L extends LayerSpec>(layer: L): LayerRule<L> {
  return LAYERS[layer.type] as unknown as LayerRule<L>;
}
