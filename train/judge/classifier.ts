import * as ort from 'onnxruntime-node';
import { Random } from '#core/random.ts';
import { shuffleInPlace } from '../data/split.ts';
import type { Device } from '../engine/engine.ts';
import { createSession } from '../engine/ort-session.ts';
import { initParams, } from '../model/shapes.ts';
import { parseModel } from '../model/spec.ts';
import { Adam } from '../optim/adam.ts';
import { buildClassifierInferenceGraph, buildClassifierTrainingGraph, type ClassifierSpec } from './classifier-graph.ts';

/** Images with K targets each (0/1 per label, or one-hot for a class). */
export interface LabelledImages {
  images: Float32Array;
  targets: Float32Array;
  count: number;
}

export interface ClassifierTrainingOptions {
  batch: number;
  /** Optimizer updates; epochs are derived by the caller. */
  steps: number;
  seed: number;
  lr: number;
  device?: Device;
  /** Starting weights by parameter name (the pretraining experiment's encoder); the rest are drawn from `seed`. */
  initial?: Map<string, Float32Array>;
  /** Parameters kept at their starting values (a frozen pretrained encoder); their gradients are dropped. */
  frozen?: (name: string) => boolean;
  onStep?: (step: number, loss: number) => void;
}

export interface TrainedClassifier {
  spec: ClassifierSpec;
  params: Map<string, Float32Array>;
  losses: number[];
  seconds: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Fresh classifier weights from the shared initializer, overridden by `initial` where names and sizes match. */
function startingParams(spec: ClassifierSpec, seed: number, initial?: Map<string, Float32Array>): Map<string, Float32Array> {
  const [c, h, w] = spec.input;
  const drawn = initParams(parseModel({ name: spec.name, input: spec.input, encoder: spec.layers, decoder: [{ type: 'linear', out: c * h * w }, { type: 'reshape', shape: [c, h, w] }] }), seed);
  const params = new Map<string, Float32Array>();
  for (const [name, values] of drawn) {
    if (!name.startsWith('encoder.')) continue;
    const given = initial?.get(name);
    params.set(name, given && given.length === values.length ? Float32Array.from(given) : values);
  }
  return params;
}

/** Mini-batch training of a classifier: onnxruntime runs forward and backward, Adam updates in TypeScript. */
export async function trainClassifier(spec: ClassifierSpec, data: LabelledImages, options: ClassifierTrainingOptions): Promise<TrainedClassifier> {
  const batch = Math.min(options.batch, data.count);
  const graph = buildClassifierTrainingGraph(spec, batch);
  const perImage = size(spec.input);
  if (data.images.length !== data.count * perImage) throw new Error(`${spec.name}: ${data.images.length} pixel values for ${data.count} images`);
  if (data.targets.length !== data.count * graph.outputs) throw new Error(`${spec.name}: ${data.targets.length} targets for ${data.count} images × ${graph.outputs}`);
  const session = await createSession(graph.bytes, { device: options.device ?? 'cpu' });
  const params = startingParams(spec, options.seed, options.initial);
  const paramArrays = graph.params.map((p) => params.get(p.name)!);
  const gradArrays = graph.params.map((p) => new Float32Array(size(p.shape)));
  // Adam moves nothing whose gradient is always zero (its moments stay zero), so zeroing freezes exactly.
  const frozenIndices = graph.params.flatMap((p, i) => (options.frozen?.(p.name) ? [i] : []));
  const adam = new Adam(paramArrays.map((a) => a.length), { kind: 'adam', lr: options.lr });
  const imageArray = new Float32Array(batch * perImage);
  const targetArray = new Float32Array(batch * graph.outputs);
  const lossArray = new Float32Array(1);
  const randomArrays = graph.randomInputs.map((r) => new Float32Array(size(r.shape)));
  const feeds: Record<string, ort.Tensor> = {
    image: new ort.Tensor('float32', imageArray, [batch, ...spec.input]),
    labels: new ort.Tensor('float32', targetArray, [batch, graph.outputs]),
  };
  graph.params.forEach((p, i) => (feeds[p.name] = new ort.Tensor('float32', paramArrays[i], p.shape)));
  graph.randomInputs.forEach((r, i) => (feeds[r.name] = new ort.Tensor('float32', randomArrays[i], r.shape)));
  const fetches: Record<string, ort.Tensor> = { loss: new ort.Tensor('float32', lossArray, []) };
  graph.gradients.forEach((name, i) => (fetches[name] = new ort.Tensor('float32', gradArrays[i], graph.params[i].shape)));

  const random = Random.fromSeed(options.seed + 1);
  const batchesPerEpoch = Math.floor(data.count / batch);
  let order = new Int32Array(0);
  const losses: number[] = [];
  const started = performance.now();
  try {
    for (let step = 0; step < options.steps; step++) {
      const position = step % batchesPerEpoch;
      if (position === 0) order = shuffleInPlace(Int32Array.from({ length: data.count }, (_, i) => i), random);
      for (let k = 0; k < batch; k++) {
        const index = order[position * batch + k];
        imageArray.set(data.images.subarray(index * perImage, (index + 1) * perImage), k * perImage);
        targetArray.set(data.targets.subarray(index * graph.outputs, (index + 1) * graph.outputs), k * graph.outputs);
      }
      graph.randomInputs.forEach((r, i) => {
        const out = randomArrays[i];
        if (r.kind === 'normal') for (let j = 0; j < out.length; j++) out[j] = random.normal();
        else for (let j = 0; j < out.length; j++) out[j] = random.uniform() < 1 - (r.rate ?? 0) ? 1 : 0;
      });
      await session.run(feeds, fetches);
      if (!Number.isFinite(lossArray[0])) throw new Error(`${spec.name}: loss is ${lossArray[0]} at step ${step + 1}`);
      for (const i of frozenIndices) gradArrays[i].fill(0);
      adam.update(paramArrays, gradArrays);
      losses.push(lossArray[0]);
      options.onStep?.(step + 1, lossArray[0]);
    }
  } finally {
    await session.release();
  }
  return { spec, params, losses, seconds: (performance.now() - started) / 1000 };
}

/** Class or label probabilities [count, K] from an inference graph (judge.onnx or a trained classifier). */
export async function predictWithGraph(bytes: Uint8Array, images: Float32Array, count: number, shape: readonly number[], device: Device = 'cpu'): Promise<Float32Array> {
  const session = await createSession(bytes, { device });
  try {
    const perImage = size(shape);
    const chunk = 256;
    const parts: Float32Array[] = [];
    for (let start = 0; start < count; start += chunk) {
      const n = Math.min(chunk, count - start);
      const input = new ort.Tensor('float32', images.subarray(start * perImage, (start + n) * perImage), [n, ...shape]);
      const out = await session.run({ [session.inputNames[0]]: input });
      parts.push(Float32Array.from(out[session.outputNames[0]].data as Float32Array));
    }
    const k = parts.length ? parts[0].length / Math.min(chunk, count) : 0;
    const result = new Float32Array(count * k);
    parts.reduce((offset, p) => (result.set(p, offset), offset + p.length), 0);
    return result;
  } finally {
    await session.release();
  }
}

export async function predict(classifier: TrainedClassifier, images: Float32Array, count: number, device: Device = 'cpu'): Promise<Float32Array> {
  return predictWithGraph(buildClassifierInferenceGraph(classifier.spec, classifier.params), images, count, classifier.spec.input, device);
}
