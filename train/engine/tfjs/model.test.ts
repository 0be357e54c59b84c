import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { buildTrainingGraph } from '../../graphs/training.ts';
import { paramShapes } from '../../model/shapes.ts';
import { loadTfjs, type Tfjs } from './backend.ts';
import { inversePermutation, NCHW_TO_NHWC, NHWC_TO_NCHW, ONNX_FILTER_TO_TFJS, onnxToTfjs, tfjsShape, tfjsToOnnx } from './layout.ts';
import { TfjsModel } from './model.ts';
import { digitsLike, everyLayer } from './test-models.ts';

let tf: Tfjs;
beforeAll(async () => {
  tf = (await loadTfjs('cpu')).tf;
});

const values = (count: number, seed: number) => {
  const random = Random.fromSeed(seed);
  return Float32Array.from({ length: count }, () => random.uniform() * 2 - 1);
};

/** ONNX Conv, straight from its definition, on NCHW data. */
function referenceConv(x: Float32Array, [n, c, h, w]: number[], weight: Float32Array, out: number, k: number, stride: number) {
  const oh = Math.floor((h - k) / stride) + 1;
  const ow = Math.floor((w - k) / stride) + 1;
  const y = new Float32Array(n * out * oh * ow);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < out; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let sum = 0;
          for (let ci = 0; ci < c; ci++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) sum += x[((b * c + ci) * h + i * stride + u) * w + j * stride + v] * weight[((o * c + ci) * k + u) * k + v];
          y[((b * out + o) * oh + i) * ow + j] = sum;
        }
  return { y, shape: [n, out, oh, ow] };
}

/** ONNX ConvTranspose without padding: every input pixel scatters the kernel, weight [in, out, k, k]. */
function referenceConvTranspose(x: Float32Array, [n, c, h, w]: number[], weight: Float32Array, out: number, k: number, stride: number) {
  const oh = (h - 1) * stride + k;
  const ow = (w - 1) * stride + k;
  const y = new Float32Array(n * out * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let o = 0; o < out; o++)
            for (let u = 0; u < k; u++)
              for (let v = 0; v < k; v++) y[((b * out + o) * oh + i * stride + u) * ow + j * stride + v] += x[((b * c + ci) * h + i) * w + j] * weight[((ci * out + o) * k + u) * k + v];
  return { y, shape: [n, out, oh, ow] };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ONNX <-> tfjs layouts', () => {
  it('inverts permutations', () => {
    expect(inversePermutation(NCHW_TO_NHWC)).toEqual([...NHWC_TO_NCHW]);
    expect(inversePermutation(ONNX_FILTER_TO_TFJS)).toEqual([3, 2, 0, 1]);
  });

  it('round-trips a filter and leaves linear weights alone', () => {
    const layout = { onnxShape: [4, 3, 2, 5], toTfjs: ONNX_FILTER_TO_TFJS };
    const onnx = values(120, 1);
    const tensor = onnxToTfjs(tf, layout, onnx);
    expect(tensor.shape).toEqual(tfjsShape(layout));
    expect(tensor.shape).toEqual([2, 5, 3, 4]);
    expect(tfjsToOnnx(tf, layout, tensor)).toEqual(onnx);
    tensor.dispose();
    const linear = { onnxShape: [6, 2], toTfjs: null };
    const weights = values(12, 2);
    const same = onnxToTfjs(tf, linear, weights);
    const back = tfjsToOnnx(tf, linear, same);
    back[0] = 42;
    expect(same.dataSync()[0]).toBe(weights[0]);
    same.dispose();
  });

  it('gives tf.conv2d an ONNX Conv weight in its own layout', () => {
    const xShape = [2, 3, 5, 5];
    const x = values(150, 3);
    const weight = values(4 * 3 * 3 * 3, 4);
    const want = referenceConv(x, xShape, weight, 4, 3, 2);
    const got = tf.tidy(() => {
      const filter = onnxToTfjs(tf, { onnxShape: [4, 3, 3, 3], toTfjs: ONNX_FILTER_TO_TFJS }, weight) as Parameters<Tfjs['conv2d']>[1];
      const input = tf.transpose(tf.tensor4d(x, xShape as [number, number, number, number]), [...NCHW_TO_NHWC]) as Parameters<Tfjs['conv2d']>[0];
      return tf.transpose(tf.conv2d(input, filter, 2, 'valid'), [...NHWC_TO_NCHW]);
    });
    expect(got.shape).toEqual(want.shape);
    expect(maxAbsDiff(got.dataSync(), want.y)).toBeLessThan(1e-5);
    got.dispose();
  });

  it('gives tf.conv2dTranspose an ONNX ConvTranspose weight in its own layout', () => {
    const xShape = [2, 3, 3, 3];
    const x = values(54, 5);
    const weight = values(3 * 2 * 3 * 3, 6);
    const want = referenceConvTranspose(x, xShape, weight, 2, 3, 2);
    const got = tf.tidy(() => {
      const filter = onnxToTfjs(tf, { onnxShape: [3, 2, 3, 3], toTfjs: ONNX_FILTER_TO_TFJS }, weight) as Parameters<Tfjs['conv2dTranspose']>[1];
      const input = tf.transpose(tf.tensor4d(x, xShape as [number, number, number, number]), [...NCHW_TO_NHWC]) as Parameters<Tfjs['conv2dTranspose']>[0];
      const [n, , oh, ow] = want.shape;
      return tf.transpose(tf.conv2dTranspose(input, filter, [n, oh, ow, 2], 2, 'valid'), [...NHWC_TO_NCHW]);
    });
    expect(got.shape).toEqual(want.shape);
    expect(maxAbsDiff(got.dataSync(), want.y)).toBeLessThan(1e-5);
    got.dispose();
  });
});

describe('TfjsModel', () => {
  it('holds every parameter by its project name, in ONNX shape', () => {
    for (const spec of [digitsLike, everyLayer('mse')]) {
      const model = new TfjsModel(tf, spec);
      const byName = new Map(model.params.map((p) => [p.name, p]));
      expect(model.params).toHaveLength(paramShapes(spec).length);
      for (const { name, shape } of paramShapes(spec)) {
        const binding = byName.get(name);
        expect(binding?.onnxShape, name).toEqual(shape);
        expect(binding!.variable.shape, name).toEqual(tfjsShape(binding!));
      }
      model.dispose();
    }
  });

  it('asks for the random inputs the training graph declares', () => {
    const spec = everyLayer('l1');
    const model = new TfjsModel(tf, spec);
    expect(model.randomInputs(3)).toEqual(buildTrainingGraph(spec, { batch: 3 }).randomInputs);
    model.dispose();
  });

  it('maps images NCHW to NCHW and codes to the latent width', () => {
    const spec = everyLayer('mse');
    const model = new TfjsModel(tf, spec);
    const images = tf.tensor(values(3 * 2 * 8 * 8, 7), [3, 2, 8, 8]);
    const code = model.encode(images);
    expect(code.shape).toEqual([3, 3]);
    expect(model.decode(code).shape).toEqual([3, 2, 8, 8]);
    expect(model.reconstruct(images).shape).toEqual([3, 2, 8, 8]);
    tf.dispose([images, code]);
    model.dispose();
  });

  it('names the missing random input when a training pass lacks one', () => {
    const model = new TfjsModel(tf, everyLayer('mse'));
    const images = tf.zeros([2, 2, 8, 8]);
    expect(() => model.trainingForward(images, new Map())).toThrow(/encoder\.0\.gaussianNoise\.noise/);
    images.dispose();
    model.dispose();
  });
});
