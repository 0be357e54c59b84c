import { parseModel, type ModelSpec } from './spec.ts';

const convDown = (out: number) => ({ type: 'conv2d' as const, out, kernel: 4, stride: 2, padding: 1 });
const convUp = (out: number) => ({ type: 'convTranspose2d' as const, out, kernel: 4, stride: 2, padding: 1 });
const lrelu = { type: 'leakyRelu' as const, alpha: 0.2 };

export interface StrideTwoConvOptions {
  name: string;
  input: [number, number, number];
  /** Channels of each 3×3 stride-2 convolution; the decoder mirrors them. */
  channels: number[];
  code: number;
}

/**
 * The lecture's small conv autoencoder: 3×3 stride-2 convolutions (each halving the side) with ReLU, a linear code,
 * and the mirror image back up through conv-transposes to a sigmoid. conv-digits is this shape at MNIST size; the
 * engine tests use it in miniature.
 */
export function strideTwoConvAutoencoder({ name, input, channels, code }: StrideTwoConvOptions): ModelSpec {
  const [inChannels, height, width] = input;
  const scale = 2 ** channels.length;
  if (height % scale || width % scale) throw new Error(`${name}: ${channels.length} stride-2 convolutions need sides divisible by ${scale}, got ${height}×${width}`);
  const innermost = [channels[channels.length - 1], height / scale, width / scale] as const;
  const relu = { type: 'relu' as const };
  const down = channels.flatMap((out) => [{ type: 'conv2d' as const, out, kernel: 3, stride: 2, padding: 1 }, relu]);
  const upChannels = [...channels.slice(0, -1).reverse(), inChannels];
  const up = upChannels.flatMap((out, i) => [
    { type: 'convTranspose2d' as const, out, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
    i === upChannels.length - 1 ? { type: 'sigmoid' as const } : relu,
  ]);
  return parseModel({
    name,
    input,
    encoder: [...down, { type: 'flatten' }, { type: 'linear', out: code, name: 'code' }],
    decoder: [{ type: 'linear', out: innermost[0] * innermost[1] * innermost[2] }, relu, { type: 'reshape', shape: [...innermost] }, ...up],
    loss: { reconstruction: 'mse' },
  });
}

/** The benchmark presets of issue 2, exactly as specified there (PyTorch notation, NCHW). */
export const PRESETS: Record<string, ModelSpec> = {
  'conv-digits': strideTwoConvAutoencoder({ name: 'conv-digits', input: [1, 28, 28], channels: [32, 64], code: 32 }),
  'conv-faces64': parseModel({
    name: 'conv-faces64',
    input: [3, 64, 64],
    encoder: [convDown(32), lrelu, convDown(64), lrelu, convDown(128), lrelu, convDown(256), lrelu, { type: 'flatten' }, { type: 'linear', out: 128, name: 'code' }],
    decoder: [
      { type: 'linear', out: 4096 },
      { type: 'reshape', shape: [256, 4, 4] },
      convUp(128),
      lrelu,
      convUp(64),
      lrelu,
      convUp(32),
      lrelu,
      convUp(3),
      { type: 'sigmoid' },
    ],
    loss: { reconstruction: 'mse' },
  }),
};

export function preset(name: string): ModelSpec {
  const spec = PRESETS[name];
  if (!spec) throw new Error(`unknown preset "${name}"; known: ${Object.keys(PRESETS).join(', ')}`);
  return spec;
}
