import { inferShapes } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { assertValidModel } from '../onnx/check.ts';
import { addReconstructionLoss, addSparsityPenalty } from '../layers/losses.ts';
import type { RandomInput } from '../layers/types.ts';
import { addVaeHead } from '../layers/vae.ts';
import { emitLayer, vaeParamValues, type EmitOptions } from './emit.ts';
import { Program } from './program.ts';

export type { RandomInput } from '../layers/types.ts';

/** One training step as an ONNX graph: forward, loss and every parameter gradient, in standard ops. */
export interface TrainingGraph {
  bytes: Uint8Array;
  /** Graph inputs (float32), fed the current weights each step. */
  params: { name: string; shape: number[] }[];
  /** Output name of d loss / d params[i]. */
  gradients: string[];
  image: { name: 'image'; shape: number[] };
  /** Fresh randomness to feed each step (see RandomInput for what each kind means). */
  randomInputs: RandomInput[];
  /** Scalar outputs: `total` = the sum of the weighted `parts`. */
  losses: { total: 'loss'; parts: string[] };
}

const PART_ORDER = ['loss_reconstruction', 'loss_sparsity', 'loss_kl'];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The autoencoder as a program: encoder layers, the VAE head, decoder layers, the reconstruction loss and penalties. */
export function buildTrainingGraph(spec: ModelSpec, { batch }: { batch: number }): TrainingGraph {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive integer, got ${batch}`);
  const shapes = inferShapes(spec);
  const g = new GraphBuilder(`${spec.name}_training`);
  const program = new Program(g);
  const imageShape = [batch, ...spec.input];
  const image = g.input('image', 'float32', imageShape);
  for (const p of shapes.params) g.input(p.name, 'float32', p.shape);

  const randomInputs: RandomInput[] = [];
  const declareRandom = (input: RandomInput) => {
    randomInputs.push(input);
    return g.input(input.name, 'float32', input.shape);
  };
  const options: EmitOptions = { batch, training: true, paramValue: (name) => name, declareRandom };
  const sparsity = spec.loss.sparsity;
  const emitSection = (infos: typeof shapes.encoder, x: string) =>
    infos.reduce((value, info) => {
      const y = emitLayer(program, info, value, options);
      if (sparsity && info === shapes.sparsityLayer) addSparsityPenalty(program, y, sparsity.weight, batch * size(info.outShape));
      return y;
    }, x);

  let code = emitSection(shapes.encoder, image);
  if (shapes.vae) {
    const eps = declareRandom({ name: 'vae.eps', shape: [batch, shapes.latentDim], kind: 'normal', std: 1 });
    code = addVaeHead(program, code, vaeParamValues(shapes, options.paramValue), eps, batch, spec.loss.klWeight);
  }
  const reconstruction = emitSection(shapes.decoder, code);
  g.output(g.rename(reconstruction, 'reconstruction'), 'float32', imageShape);
  addReconstructionLoss(program, spec.loss.reconstruction, reconstruction, image, size(imageShape));

  const parts = program.losses.sort((a, b) => PART_ORDER.indexOf(a.name) - PART_ORDER.indexOf(b.name));
  for (const part of parts) g.output(g.rename(part.value, part.name), 'float32', []);
  g.output(g.op('Sum', parts.map((p) => p.value), {}, 'loss'), 'float32', []);

  const grads = program.gradients();
  const gradients = shapes.params.map((p) => {
    const grad = grads.get(p.name);
    if (!grad) throw new Error(`internal: no gradient was emitted for ${p.name}`);
    return g.output(g.rename(grad, `${p.name}.grad`), 'float32', p.shape);
  });

  const bytes = g.serialize();
  assertValidModel(bytes, `training graph of ${spec.name}`);
  return {
    bytes,
    params: shapes.params.map(({ name, shape }) => ({ name, shape })),
    gradients,
    image: { name: 'image', shape: imageShape },
    randomInputs,
    losses: { total: 'loss', parts: parts.map((p) => p.name) },
  };
}
