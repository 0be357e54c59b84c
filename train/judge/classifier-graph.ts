import { inferShapes, type LayerInfo, type ParamInfo } from '../model/shapes.ts';
import { parseModel, type LayerSpec } from '../model/spec.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { assertValidModel } from '../onnx/check.ts';
import { layerRule } from '../layers/table.ts';
import type { RandomInput } from '../layers/types.ts';
import { forwardSection, type SectionOptions } from '../graphs/stages.ts';

/**
 * An image classifier declared with the model language's layers: the judge (multi-label, sigmoid + BCE)
 * and the pretraining experiment's classifier (one class of K, softmax + cross-entropy).
 * The autoencoder graphs of train/graphs only reconstruct their input, so the classifier has its own
 * training graph here, built from the same layer rules (forward and gradient emissions).
 */
export interface ClassifierSpec {
  name: string;
  input: [number, number, number];
  /** Image to logits; must end in a linear layer with one output per label (or class). */
  layers: LayerSpec[];
  head: 'sigmoid' | 'softmax';
}

export interface ClassifierShapes {
  layers: LayerInfo[];
  params: ParamInfo[];
  outputs: number;
}

/** Shapes via the autoencoder shape inference: a throwaway decoder back to the input makes the spec complete. */
export function classifierShapes(spec: ClassifierSpec): ClassifierShapes {
  const [c, h, w] = spec.input;
  const shapes = inferShapes(
    parseModel({
      name: spec.name,
      input: spec.input,
      encoder: spec.layers,
      decoder: [{ type: 'linear', out: c * h * w }, { type: 'reshape', shape: [c, h, w] }],
    }),
  );
  const last = shapes.encoder[shapes.encoder.length - 1];
  if (last.layer.type !== 'linear') throw new Error(`${spec.name}: ${last.label} must be the linear layer that gives the logits`);
  return { layers: shapes.encoder, params: shapes.encoder.flatMap((l) => l.params), outputs: last.outShape[0] };
}

export interface ClassifierTrainingGraph {
  bytes: Uint8Array;
  params: { name: string; shape: number[] }[];
  gradients: string[];
  randomInputs: RandomInput[];
  batch: number;
  outputs: number;
}

export function buildClassifierTrainingGraph(spec: ClassifierSpec, batch: number): ClassifierTrainingGraph {
  const shapes = classifierShapes(spec);
  const k = shapes.outputs;
  const g = new GraphBuilder(`${spec.name}_training`);
  const image = g.input('image', 'float32', [batch, ...spec.input]);
  const labels = g.input('labels', 'float32', [batch, k]);
  for (const p of shapes.params) g.input(p.name, 'float32', p.shape);
  const randomInputs: RandomInput[] = [];
  const firstTrainable = shapes.layers.findIndex((l) => l.params.length > 0);
  const options: SectionOptions = {
    batch,
    training: true,
    paramValue: (name) => name,
    declareRandom: (input) => (randomInputs.push(input), g.input(input.name, 'float32', input.shape)),
    needInputGrad: (info) => shapes.layers.indexOf(info) > firstTrainable,
  };
  const forward = forwardSection(g, shapes.layers, image, options);
  const logits = forward.y;

  let loss: string;
  let dLogits: string;
  if (spec.head === 'sigmoid') {
    // Stable BCE on logits: max(z, 0) - z y + log(1 + exp(-|z|)); its gradient is (sigmoid(z) - y) / count.
    const perLabel = g.op('Add', [
      g.op('Sub', [g.op('Relu', [logits]), g.op('Mul', [logits, labels])]),
      g.op('Log', [g.op('Add', [g.scalar(1), g.op('Exp', [g.op('Neg', [g.op('Abs', [logits])])])])]),
    ]);
    loss = g.op('ReduceMean', [perLabel], { keepdims: 0 });
    dLogits = g.op('Mul', [g.op('Sub', [g.op('Sigmoid', [logits]), labels]), g.scalar(1 / (batch * k))]);
  } else {
    // Cross-entropy with one-hot labels: -sum(y log softmax(z)) / batch; gradient (softmax(z) - y) / batch.
    const logProbabilities = g.op('LogSoftmax', [logits], { axis: -1 });
    loss = g.op('Mul', [g.op('ReduceSum', [g.op('Mul', [labels, logProbabilities])], { keepdims: 0 }), g.scalar(-1 / batch)]);
    dLogits = g.op('Mul', [g.op('Sub', [g.op('Softmax', [logits], { axis: -1 }), labels]), g.scalar(1 / batch)]);
  }
  g.output(g.rename(loss, 'loss'), 'float32', []);

  const grads = new Map<string, string>();
  let dy: string | undefined = dLogits;
  for (let i = forward.records.length - 1; i >= firstTrainable && dy !== undefined; i--) {
    const { info, ctx, saved } = forward.records[i];
    const { dx, dParams } = layerRule(info.layer).backward(g, dy, info.layer, saved, ctx);
    info.params.forEach((p, j) => grads.set(p.name, dParams[j]));
    dy = dx;
  }
  const gradients = shapes.params.map((p) => g.output(g.rename(grads.get(p.name)!, `${p.name}.grad`), 'float32', p.shape));
  const bytes = g.serialize();
  assertValidModel(bytes, `training graph of ${spec.name}`);
  return { bytes, params: shapes.params.map(({ name, shape }) => ({ name, shape })), gradients, randomInputs, batch, outputs: k };
}

/**
 * Inference graph `image` [N,C,H,W] -> `probabilities` [N,K] with the weights baked in: judge.onnx.
 * `logitOffsets` (sigmoid head only) are subtracted from the logits, so a per-label decision threshold
 * chosen after training becomes 0.5 for whoever loads the file.
 */
export function buildClassifierInferenceGraph(spec: ClassifierSpec, params: Map<string, Float32Array>, logitOffsets?: Float32Array): Uint8Array {
  const shapes = classifierShapes(spec);
  const g = new GraphBuilder(spec.name);
  const image = g.input('image', 'float32', ['N', ...spec.input]);
  for (const p of shapes.params) {
    const values = params.get(p.name);
    if (!values) throw new Error(`${spec.name}: no value for parameter ${p.name}`);
    g.initializer(p.name, 'float32', p.shape, values);
  }
  const logits = forwardSection(g, shapes.layers, image, { batch: 'N', training: false, paramValue: (name) => name }).y;
  if (logitOffsets && (spec.head !== 'sigmoid' || logitOffsets.length !== shapes.outputs)) {
    throw new Error(`${spec.name}: logit offsets need a sigmoid head and ${shapes.outputs} values`);
  }
  const shifted = logitOffsets ? g.op('Sub', [logits, g.initializer('decision_offsets', 'float32', [shapes.outputs], logitOffsets)]) : logits;
  const probabilities = spec.head === 'sigmoid' ? g.op('Sigmoid', [shifted], {}, 'probabilities') : g.op('Softmax', [shifted], { axis: -1 }, 'probabilities');
  g.output(probabilities, 'float32', ['N', shapes.outputs]);
  const bytes = g.serialize();
  assertValidModel(bytes, `inference graph of ${spec.name}`);
  return bytes;
}
