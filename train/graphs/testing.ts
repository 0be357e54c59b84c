import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import { fillRandom } from '../engine/random-inputs.ts';
import { parseModel, type ModelSpec } from '../model/spec.ts';
import type { TrainingGraph } from './training.ts';

/**
 * Tiny models for the gradient and export tests. Between them they hold every layer type, loss and
 * head, and the awkward geometry: strides that drop rows (output_padding on the input gradient), a
 * filter gradient that must be cropped, and a transposed conv whose output_padding exceeds its padding.
 */
export const TINY_MODELS: Record<string, ModelSpec> = {
  convChain: parseModel({
    name: 'tiny-conv-chain',
    input: [2, 7, 7],
    encoder: [
      { type: 'conv2d', out: 3, kernel: 2 },
      { type: 'relu' },
      { type: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 1 },
      { type: 'leakyRelu', alpha: 0.1 },
      { type: 'flatten' },
      { type: 'linear', out: 5, name: 'code' },
    ],
    decoder: [
      { type: 'linear', out: 36 },
      { type: 'elu', alpha: 0.7 },
      { type: 'reshape', shape: [4, 3, 3] },
      { type: 'convTranspose2d', out: 3, kernel: 3, stride: 2, padding: 1 },
      { type: 'tanh' },
      { type: 'convTranspose2d', out: 2, kernel: 3 },
      { type: 'sigmoid' },
    ],
    loss: { reconstruction: 'mse', sparsity: { layer: 'code', weight: 0.1 } },
  }),
  stochastic: parseModel({
    name: 'tiny-stochastic',
    input: [1, 7, 7],
    encoder: [
      { type: 'gaussianNoise', std: 0.1 },
      { type: 'conv2d', out: 3, kernel: 2, stride: 3 },
      { type: 'sigmoid' },
      { type: 'dropout', rate: 0.3 },
      { type: 'flatten' },
      { type: 'linear', out: 8 },
    ],
    decoder: [
      { type: 'reshape', shape: [2, 2, 2] },
      { type: 'upsample', scale: 2 },
      { type: 'convTranspose2d', out: 3, kernel: 2, stride: 2, outputPadding: 1 },
      { type: 'relu' },
      { type: 'conv2d', out: 1, kernel: 3 },
      { type: 'sigmoid' },
    ],
    loss: { reconstruction: 'bce' },
  }),
  vae: parseModel({
    name: 'tiny-vae',
    input: [1, 5, 5],
    encoder: [{ type: 'conv2d', out: 2, kernel: 3, stride: 2 }, { type: 'tanh' }, { type: 'flatten' }],
    vae: { latentDim: 3 },
    decoder: [
      { type: 'linear', out: 25, name: 'hidden' },
      { type: 'leakyRelu', alpha: 0.2 },
      { type: 'reshape', shape: [1, 5, 5] },
      { type: 'conv2d', out: 1, kernel: 3, padding: 1 },
    ],
    loss: { reconstruction: 'l1', sparsity: { layer: 'hidden', weight: 0.05 }, klWeight: 0.5 },
  }),
};

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Draws one set of random graph inputs the way a runner would. */
export function drawRandomInputs(graph: TrainingGraph, random: Random): Map<string, Float32Array> {
  const drawn = new Map<string, Float32Array>();
  for (const input of graph.randomInputs) drawn.set(input.name, fillRandom(random, input, new Float32Array(size(input.shape))));
  return drawn;
}

export function uniformImages(count: number, random: Random): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = 0.05 + 0.9 * random.uniform();
  return values;
}

/** Feeds for one training step: image, every parameter, every random input. */
export function trainingFeeds(graph: TrainingGraph, image: Float32Array, params: Map<string, Float32Array>, randomInputs: Map<string, Float32Array>) {
  const feeds: Record<string, ort.Tensor> = { image: new ort.Tensor('float32', image, graph.image.shape) };
  for (const p of graph.params) feeds[p.name] = new ort.Tensor('float32', params.get(p.name)!, p.shape);
  for (const r of graph.randomInputs) feeds[r.name] = new ort.Tensor('float32', randomInputs.get(r.name)!, r.shape);
  return feeds;
}
