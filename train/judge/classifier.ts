import { Random } from '#core/random.ts';
import { shuffleInPlace } from '../data/split.ts';
import type { Device } from '../engine/engine.ts';
import { runBatched } from '../engine/batched.ts';
import { createSession } from '../engine/ort-session.ts';
import { StepRunner } from '../engine/step-runner.ts';
import { drawParams } from '../model/shapes.ts';
import { buildClassifierInferenceGraph, buildClassifierTrainingGraph, classifierShapes, type ClassifierSpec } from './classifier-graph.ts';

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
  const drawn = drawParams(classifierShapes(spec).params, seed);
  for (const [name, values] of drawn) {
    const given = initial?.get(name);
    if (given && given.length === values.length) drawn.set(name, Float32Array.from(given));
  }
  return drawn;
}

/** Mini-batch training of a classifier on the shared step runner (onnxruntime forward and backward, Adam in TypeScript). */
export async function trainClassifier(spec: ClassifierSpec, data: LabelledImages, options: ClassifierTrainingOptions): Promise<TrainedClassifier> {
  const batch = Math.min(options.batch, data.count);
  const graph = buildClassifierTrainingGraph(spec, batch);
  const perImage = size(spec.input);
  if (data.images.length !== data.count * perImage) throw new Error(`${spec.name}: ${data.images.length} pixel values for ${data.count} images`);
  if (data.targets.length !== data.count * graph.outputs) throw new Error(`${spec.name}: ${data.targets.length} targets for ${data.count} images × ${graph.outputs}`);
  const runner = await StepRunner.create(
    { bytes: graph.bytes, data: [{ name: 'image', shape: [batch, ...spec.input] }, { name: 'labels', shape: [batch, graph.outputs] }], params: graph.params, gradients: graph.gradients, randomInputs: graph.randomInputs, losses: ['loss'] },
    { initialParams: startingParams(spec, options.seed, options.initial), optimizer: { kind: 'adam', lr: options.lr }, seed: options.seed + 2, session: { device: options.device ?? 'cpu' }, frozen: options.frozen },
  );
  const imageArray = runner.data.get('image')!;
  const targetArray = runner.data.get('labels')!;
  const order = Random.fromSeed(options.seed + 1);
  const batchesPerEpoch = Math.floor(data.count / batch);
  let shuffled = new Int32Array(0);
  const losses: number[] = [];
  const started = performance.now();
  try {
    for (let step = 0; step < options.steps; step++) {
      const position = step % batchesPerEpoch;
      if (position === 0) shuffled = shuffleInPlace(Int32Array.from({ length: data.count }, (_, i) => i), order);
      for (let k = 0; k < batch; k++) {
        const index = shuffled[position * batch + k];
        imageArray.set(data.images.subarray(index * perImage, (index + 1) * perImage), k * perImage);
        targetArray.set(data.targets.subarray(index * graph.outputs, (index + 1) * graph.outputs), k * graph.outputs);
      }
      const loss = (await runner.step()).get('loss')!;
      losses.push(loss);
      options.onStep?.(step + 1, loss);
    }
  } catch (error) {
    throw new Error(`${spec.name}: ${(error as Error).message}`);
  } finally {
    await runner.release();
  }
  return { spec, params: runner.params(), losses, seconds: (performance.now() - started) / 1000 };
}

/** Class or label probabilities [count, K] from an inference graph (judge.onnx or a trained classifier). */
export async function predictWithGraph(bytes: Uint8Array, images: Float32Array, count: number, shape: readonly number[], device: Device = 'cpu'): Promise<Float32Array> {
  const session = await createSession(bytes, { device });
  try {
    return await runBatched(session, images, count, shape);
  } finally {
    await session.release();
  }
}

export async function predict(classifier: TrainedClassifier, images: Float32Array, count: number, device: Device = 'cpu'): Promise<Float32Array> {
  return predictWithGraph(buildClassifierInferenceGraph(classifier.spec, classifier.params), images, count, classifier.spec.input, device);
}
