import { inferLayers, type LayerInfo, type ParamInfo } from '../model/shapes.ts';
import { layerSchema, type LayerSpec } from '../model/spec.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { assertValidModel } from '../onnx/check.ts';
import { addClassifierLoss } from '../layers/losses.ts';
import type { RandomInput } from '../layers/types.ts';
import { emitLayers, type EmitOptions } from '../graphs/emit.ts';
import { Program } from '../graphs/program.ts';

/**
 * An image classifier declared with the model language's layers: the judge (multi-label, sigmoid + BCE)
 * and the pretraining experiment's classifier (one class of K, softmax + cross-entropy).
 * It is the same kind of program as the autoencoder (train/graphs/program.ts): its layers, then a loss head.
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

/** Shapes and parameters of the layers (named `encoder.<index>.<type>`, as the pretraining experiment expects). */
export function classifierShapes(spec: ClassifierSpec): ClassifierShapes {
  const layers = inferLayers('encoder', spec.layers.map((l) => layerSchema.parse(l)), [...spec.input]);
  const last = layers[layers.length - 1];
  if (last.layer.type !== 'linear') throw new Error(`${spec.name}: ${last.label} must be the linear layer that gives the logits`);
  return { layers, params: layers.flatMap((l) => l.params), outputs: last.outShape[0] };
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
  const options: EmitOptions = {
    batch,
    training: true,
    paramValue: (name) => name,
    declareRandom: (input) => (randomInputs.push(input), g.input(input.name, 'float32', input.shape)),
  };
  const program = new Program(g);
  const logits = emitLayers(program, shapes.layers, image, options);
  addClassifierLoss(program, spec.head, logits, labels, batch, k);
  g.output(g.rename(program.losses[0].value, 'loss'), 'float32', []);
  const grads = program.gradients();
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
  const logits = emitLayers(new Program(g), shapes.layers, image, { batch: 'N', training: false, paramValue: (name) => name });
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
