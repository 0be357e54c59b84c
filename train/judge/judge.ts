import type { Dataset } from '../data/dataset.ts';
import type { Device } from '../engine/engine.ts';
import type { LayerSpec } from '../model/spec.ts';
import type { JudgeFigures } from '../report/report.ts';
import { buildClassifierInferenceGraph, type ClassifierSpec } from './classifier-graph.ts';
import { predictWithGraph, trainClassifier, type LabelledImages } from './classifier.ts';

/**
 * A small CNN for images of this shape: stride-2 convolutions until the side is at most 8, a 64-unit
 * hidden layer, one logit per attribute. Small on purpose: it judges edits, it is not the product.
 */
export function judgeSpec(shape: readonly [number, number, number], outputs: number): ClassifierSpec {
  const layers: LayerSpec[] = [];
  let side = shape[1];
  let channels = 16;
  while (side > 8) {
    const kernel = side % 2 === 0 && side >= 32 ? 4 : 3;
    layers.push({ type: 'conv2d', out: channels, kernel, stride: 2, padding: 1 }, { type: 'leakyRelu', alpha: 0.1 });
    side = kernel === 4 ? side / 2 : Math.floor((side + 2 - 3) / 2) + 1;
    channels = Math.min(64, channels * 2);
  }
  layers.push({ type: 'flatten' }, { type: 'linear', out: 64 }, { type: 'relu' }, { type: 'linear', out: outputs });
  return { name: 'judge', input: [shape[0], shape[1], shape[2]], layers, head: 'sigmoid' };
}

/** ±1 attributes as 0/1 targets, [count, K]. */
export function attributeTargets(dataset: Dataset, attributes: string[]): Float32Array {
  const out = new Float32Array(dataset.count * attributes.length);
  attributes.forEach((name, k) => {
    const values = dataset.attributes[name];
    if (!values) throw new Error(`judge: the dataset has no attribute "${name}"; it has ${Object.keys(dataset.attributes).join(', ')}`);
    for (let i = 0; i < dataset.count; i++) out[i * attributes.length + k] = values[i] > 0 ? 1 : 0;
  });
  return out;
}

/** The threshold (as a logit) that maximizes balanced accuracy on the given probabilities: rare attributes need one below 0.5. */
function balancedThreshold(probabilities: Float32Array, targets: Float32Array, k: number, outputs: number, count: number): number {
  const scored = Array.from({ length: count }, (_, i) => ({ p: probabilities[i * outputs + k], y: targets[i * outputs + k] })).sort((a, b) => a.p - b.p);
  const positives = scored.filter((s) => s.y === 1).length;
  const negatives = count - positives;
  if (positives === 0 || negatives === 0) return 0;
  let best = { score: -1, p: 0.5 };
  let negativesBelow = 0;
  let positivesBelow = 0;
  for (let i = 0; i < scored.length; i++) {
    // Threshold between scored[i-1] and scored[i]: everything from i up is called positive.
    if (i === 0 || scored[i].p !== scored[i - 1].p) {
      const score = negativesBelow / negatives + (positives - positivesBelow) / positives;
      if (score > best.score) best = { score, p: i === 0 ? scored[0].p / 2 : (scored[i - 1].p + scored[i].p) / 2 };
    }
    if (scored[i].y === 1) positivesBelow++;
    else negativesBelow++;
  }
  const p = Math.min(1 - 1e-6, Math.max(1e-6, best.p));
  return Math.log(p / (1 - p));
}

export interface TrainedJudge {
  attributes: string[];
  /** judge.onnx: `image` -> `probabilities`, each attribute present when > 0.5. */
  bytes: Uint8Array;
  figures: JudgeFigures;
}

export interface JudgeOptions {
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  device?: Device;
}

export function decisionsOf(probabilities: Float32Array): Uint8Array {
  return Uint8Array.from(probabilities, (p) => (p > 0.5 ? 1 : 0));
}

/** Trains the judge on the training split, sets balanced decision thresholds, and measures it on validation. */
export async function trainJudge(train: Dataset, validation: Dataset, attributes: string[], options: JudgeOptions): Promise<TrainedJudge> {
  const spec = judgeSpec(train.shape, attributes.length);
  const data: LabelledImages = { images: train.images, targets: attributeTargets(train, attributes), count: train.count };
  const batch = Math.min(options.batch, train.count);
  const steps = Math.max(1, options.epochs * Math.floor(train.count / batch));
  const trained = await trainClassifier(spec, data, { batch, steps, seed: options.seed, lr: options.lr, device: options.device });
  const k = attributes.length;

  const plain = buildClassifierInferenceGraph(spec, trained.params);
  const trainProbabilities = await predictWithGraph(plain, train.images, train.count, train.shape, options.device);
  const offsets = Float32Array.from(attributes, (_, j) => balancedThreshold(trainProbabilities, data.targets, j, k, train.count));
  const bytes = buildClassifierInferenceGraph(spec, trained.params, offsets);

  const validationTargets = attributeTargets(validation, attributes);
  const decisions = decisionsOf(await predictWithGraph(bytes, validation.images, validation.count, validation.shape, options.device));
  const figures: JudgeFigures = { attributes, epochs: options.epochs, seconds: trained.seconds, validation: {} };
  attributes.forEach((name, j) => {
    let correct = 0;
    let tp = 0;
    let tn = 0;
    let positives = 0;
    for (let i = 0; i < validation.count; i++) {
      const y = validationTargets[i * k + j];
      const d = decisions[i * k + j];
      if (y === 1) positives++;
      if (y === d) {
        correct++;
        if (y === 1) tp++;
        else tn++;
      }
    }
    const negatives = validation.count - positives;
    figures.validation[name] = {
      accuracy: correct / validation.count,
      positiveRate: positives / validation.count,
      balancedAccuracy: ((positives ? tp / positives : 1) + (negatives ? tn / negatives : 1)) / 2,
    };
  });
  return { attributes, bytes, figures };
}
