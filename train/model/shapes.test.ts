import { describe, expect, it } from 'vitest';
import { PRESETS } from './presets.ts';
import { inferShapes, initParams, paramShapes } from './shapes.ts';
import { parseModel, type ModelSpecInput } from './spec.ts';

const base: ModelSpecInput = {
  name: 'probe',
  input: [1, 8, 8],
  encoder: [{ type: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'linear', out: 6, name: 'code' }],
  decoder: [{ type: 'linear', out: 64 }, { type: 'reshape', shape: [4, 4, 4] }, { type: 'convTranspose2d', out: 1, kernel: 4, stride: 2, padding: 1 }, { type: 'sigmoid' }],
};
const shapesOf = (patch: Partial<ModelSpecInput>) => inferShapes(parseModel({ ...base, ...patch }));

describe('inferShapes', () => {
  it('follows the presets from image to code to image', () => {
    const digits = inferShapes(PRESETS['conv-digits']);
    expect(digits.encoder.map((l) => l.outShape)).toEqual([[32, 14, 14], [32, 14, 14], [64, 7, 7], [64, 7, 7], [3136], [32]]);
    expect(digits.latentDim).toBe(32);
    expect(digits.decoder.at(-1)!.outShape).toEqual([1, 28, 28]);
    const faces = inferShapes(PRESETS['conv-faces64']);
    expect(faces.encoder[8].outShape).toEqual([4096]);
    expect(faces.params.find((p) => p.name === 'decoder.2.convTranspose2d.weight')!.shape).toEqual([256, 128, 4, 4]);
  });

  it('names parameters by section, index and type, in ONNX layouts', () => {
    expect(paramShapes(parseModel({ ...base, vae: { latentDim: 3 } }))).toEqual([
      { name: 'encoder.0.conv2d.weight', shape: [4, 1, 3, 3] },
      { name: 'encoder.0.conv2d.bias', shape: [4] },
      { name: 'encoder.3.linear.weight', shape: [64, 6] },
      { name: 'encoder.3.linear.bias', shape: [6] },
      { name: 'vae.mean.weight', shape: [6, 3] },
      { name: 'vae.mean.bias', shape: [3] },
      { name: 'vae.logvar.weight', shape: [6, 3] },
      { name: 'vae.logvar.bias', shape: [3] },
      { name: 'decoder.0.linear.weight', shape: [3, 64] },
      { name: 'decoder.0.linear.bias', shape: [64] },
      { name: 'decoder.2.convTranspose2d.weight', shape: [4, 1, 4, 4] },
      { name: 'decoder.2.convTranspose2d.bias', shape: [1] },
    ]);
  });
});

describe('bad declarations fail naming the layer', () => {
  const cases: [string, Partial<ModelSpecInput>, RegExp][] = [
    ['a reshape whose element count differs', { decoder: [{ type: 'linear', out: 64 }, { type: 'reshape', shape: [4, 5, 4] }] }, /decoder\[1\] \(reshape\): cannot reshape \[64\] \(64 values\) to \[4, 5, 4\]/],
    [
      'a decoder whose output is not the input shape',
      { decoder: [{ type: 'linear', out: 64 }, { type: 'reshape', shape: [4, 4, 4] }, { type: 'convTranspose2d', out: 2, kernel: 4, stride: 2, padding: 1 }] },
      /decoder\[2\] \(convTranspose2d\): the decoder must reproduce the input shape \[1, 8, 8\], got \[2, 8, 8\]/,
    ],
    ['a linear after a 4-D tensor', { encoder: [{ type: 'conv2d', out: 4, kernel: 3 }, { type: 'linear', out: 6, name: 'code' }] }, /encoder\[1\] "code" \(linear\): needs a flat input, got \[4, 6, 6\] \(add a flatten/],
    ['a conv after a flat tensor', { decoder: [{ type: 'linear', out: 64 }, { type: 'conv2d', out: 1, kernel: 3 }] }, /decoder\[1\] \(conv2d\): needs a \[channels, height, width\] input, got \[64\]/],
    ['a conv that shrinks to nothing', { encoder: [{ type: 'conv2d', out: 4, kernel: 9 }, { type: 'flatten' }] }, /encoder\[0\] \(conv2d\): kernel 9 is larger than the padded input 8x8/],
    ['an encoder that does not end flat', { encoder: [{ type: 'conv2d', out: 4, kernel: 3 }] }, /encoder\[0\] \(conv2d\): the encoder must end in a flat code/],
    [
      'an output padding as large as the stride',
      { decoder: [{ type: 'linear', out: 64 }, { type: 'reshape', shape: [4, 4, 4] }, { type: 'convTranspose2d', out: 1, kernel: 4, stride: 2, padding: 1, outputPadding: 2 }] },
      /decoder\[2\] \(convTranspose2d\): outputPadding 2 must be smaller than stride 2/,
    ],
    ['a sparsity penalty on a layer that does not exist', { loss: { sparsity: { layer: 'kode', weight: 0.1 } } }, /loss\.sparsity\.layer: no layer is named "kode"; named layers: code/],
    ['two layers with one name', { decoder: [{ type: 'linear', out: 64, name: 'code' }, ...base.decoder.slice(1)] }, /decoder\[0\] "code" \(linear\): layer name "code" is already used by encoder\[3\] "code" \(linear\)/],
  ];
  it.each(cases)('%s', (_what, patch, message) => {
    expect(() => shapesOf(patch)).toThrow(message);
  });

  it('an unknown layer type (caught by the schema, at its index)', () => {
    expect(() => shapesOf({ encoder: [{ type: 'conv2d', out: 4, kernel: 3 }, { type: 'conv3d', out: 2 } as never] })).toThrow(/encoder\.1\.type: Invalid discriminator value/);
  });

  it('a zero-sized layer width (caught by the schema, at its index)', () => {
    expect(() => shapesOf({ decoder: [{ type: 'linear', out: 0 }] })).toThrow(/decoder\.0\.out/);
  });
});

describe('initParams', () => {
  it('is reproducible per seed, He-scaled before rectifiers, Xavier otherwise, zero for biases', () => {
    const spec = PRESETS['conv-digits'];
    const a = initParams(spec, 7);
    expect(initParams(spec, 7).get('encoder.2.conv2d.weight')).toEqual(a.get('encoder.2.conv2d.weight'));
    expect(initParams(spec, 8).get('encoder.2.conv2d.weight')).not.toEqual(a.get('encoder.2.conv2d.weight'));
    expect(a.get('encoder.2.conv2d.bias')!.every((v) => v === 0)).toBe(true);
    const w = a.get('encoder.2.conv2d.weight')!;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    // He for ReLU: sqrt(2 / (32 * 3 * 3)).
    expect(std).toBeCloseTo(Math.sqrt(2 / 288), 2);
    const code = a.get('encoder.5.linear.weight')!;
    const limit = Math.sqrt(6 / (3136 + 32));
    expect(code.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(limit);
    expect(code.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.99 * limit);
    expect([...a.keys()]).toEqual(inferShapes(spec).params.map((p) => p.name));
  });
});
