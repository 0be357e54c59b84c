import { Random } from '#core/random.ts';
import type { Dataset } from '../data/dataset.ts';
import { shuffleInPlace } from '../data/split.ts';
import type { Device } from '../engine/engine.ts';
import type { LayerSpec, ModelSpec } from '../model/spec.ts';
import type { ClassifierSpec } from '../judge/classifier-graph.ts';
import { predict, trainClassifier } from '../judge/classifier.ts';
import type { PretrainingFigures } from '../report/report.ts';

const ACTIVATIONS = new Set<LayerSpec['type']>(['relu', 'leakyRelu', 'elu', 'sigmoid', 'tanh']);

/**
 * The classifier of the lecture's experiment: the autoencoder's encoder (through the code, a VAE's mean
 * head included) with a rectifier and a linear layer to the classes on top. Returns the classifier and the
 * autoencoder weights it starts from when pretrained, under the classifier's parameter names.
 */
export function classifierFromEncoder(spec: ModelSpec, aeParams: Map<string, Float32Array>, classes: number): { classifier: ClassifierSpec; initial: Map<string, Float32Array> } {
  const layers: LayerSpec[] = spec.encoder.map((l) => ({ ...l }));
  const initial = new Map<string, Float32Array>();
  spec.encoder.forEach((layer, i) => {
    for (const part of ['weight', 'bias']) {
      const name = `encoder.${i}.${layer.type}.${part}`;
      const values = aeParams.get(name);
      if (values) initial.set(name, values);
    }
  });
  if (spec.vae) {
    const index = layers.length;
    layers.push({ type: 'linear', out: spec.vae.latentDim });
    initial.set(`encoder.${index}.linear.weight`, aeParams.get('vae.mean.weight')!);
    initial.set(`encoder.${index}.linear.bias`, aeParams.get('vae.mean.bias')!);
  }
  if (!ACTIVATIONS.has(layers[layers.length - 1].type)) layers.push({ type: 'relu' });
  layers.push({ type: 'linear', out: classes });
  return { classifier: { name: `${spec.name}-classifier`, input: spec.input, layers, head: 'softmax' }, initial };
}

/** Class index per image: the digit label, or a ±1 attribute as classes 0/1. */
export function classTargets(dataset: Dataset, target: string): { classes: number; values: Int32Array } {
  if (target === 'digit' || target === 'label') {
    if (!dataset.labels) throw new Error(`pretraining.target "${target}": the dataset has no class labels`);
    return { classes: dataset.labels.names.length, values: dataset.labels.values };
  }
  const attribute = dataset.attributes[target];
  if (!attribute) throw new Error(`pretraining.target "${target}": no such attribute; known: digit, ${Object.keys(dataset.attributes).join(', ')}`);
  return { classes: 2, values: Int32Array.from(attribute, (v) => (v > 0 ? 1 : 0)) };
}

export interface PretrainingOptions {
  target: string;
  labelFractions: number[];
  epochs: number;
  lr: number;
  /** Learning rate of the frozen-encoder run, where only the head learns. */
  frozenLr?: number;
  seed: number;
  batch?: number;
  /** Fewer updates than this make the smallest label sets meaningless; each run gets at least this many. */
  minSteps?: number;
  device?: Device;
}

function accuracy(probabilities: Float32Array, truth: Int32Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    if (best === truth[i]) correct++;
  }
  return correct / truth.length;
}

/**
 * Classifier accuracy with a fraction of the labels, trained from random weights, fine-tuned from the
 * encoder, and with the encoder frozen (only the head learns); all runs see the same labelled images,
 * seed, steps and learning rate.
 */
export async function runPretrainingExperiment(spec: ModelSpec, aeParams: Map<string, Float32Array>, train: Dataset, validation: Dataset, options: PretrainingOptions): Promise<PretrainingFigures> {
  const { classes, values } = classTargets(train, options.target);
  const truth = classTargets(validation, options.target).values;
  const { classifier, initial } = classifierFromEncoder(spec, aeParams, classes);
  const pixels = train.shape[0] * train.shape[1] * train.shape[2];
  const order = shuffleInPlace(Int32Array.from({ length: train.count }, (_, i) => i), Random.fromSeed(options.seed));
  const rows: PretrainingFigures['rows'] = [];
  for (const fraction of options.labelFractions) {
    const labelled = Math.max(classes, Math.round(fraction * train.count));
    const images = new Float32Array(labelled * pixels);
    const targets = new Float32Array(labelled * classes);
    for (let n = 0; n < labelled; n++) {
      const index = order[n];
      images.set(train.images.subarray(index * pixels, (index + 1) * pixels), n * pixels);
      targets[n * classes + values[index]] = 1;
    }
    const batch = Math.min(options.batch ?? 32, labelled);
    const steps = Math.max(options.minSteps ?? 200, options.epochs * Math.floor(labelled / batch));
    const common = { batch, steps, seed: options.seed, lr: options.lr, device: options.device };
    const data = { images, targets, count: labelled };
    const scratch = await trainClassifier(classifier, data, common);
    const pretrained = await trainClassifier(classifier, data, { ...common, initial });
    const frozen = await trainClassifier(classifier, data, { ...common, lr: options.frozenLr ?? options.lr, initial, frozen: (name) => initial.has(name) });
    rows.push({
      labelFraction: fraction,
      labelled,
      steps,
      scratchAccuracy: accuracy(await predict(scratch, validation.images, validation.count, options.device), truth, classes),
      pretrainedAccuracy: accuracy(await predict(pretrained, validation.images, validation.count, options.device), truth, classes),
      frozenAccuracy: accuracy(await predict(frozen, validation.images, validation.count, options.device), truth, classes),
    });
  }
  return { target: options.target, lr: options.lr, frozenLr: options.frozenLr ?? options.lr, classes, epochs: options.epochs, rows };
}
