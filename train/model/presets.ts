import { parseModel, type ModelSpec } from './spec.ts';

const convDown = (out: number) => ({ type: 'conv2d' as const, out, kernel: 4, stride: 2, padding: 1 });
const convUp = (out: number) => ({ type: 'convTranspose2d' as const, out, kernel: 4, stride: 2, padding: 1 });
const lrelu = { type: 'leakyRelu' as const, alpha: 0.2 };

/** The benchmark presets of issue 2, exactly as specified there (PyTorch notation, NCHW). */
export const PRESETS: Record<string, ModelSpec> = {
  'conv-digits': parseModel({
    name: 'conv-digits',
    input: [1, 28, 28],
    encoder: [
      { type: 'conv2d', out: 32, kernel: 3, stride: 2, padding: 1 },
      { type: 'relu' },
      { type: 'conv2d', out: 64, kernel: 3, stride: 2, padding: 1 },
      { type: 'relu' },
      { type: 'flatten' },
      { type: 'linear', out: 32, name: 'code' },
    ],
    decoder: [
      { type: 'linear', out: 3136 },
      { type: 'relu' },
      { type: 'reshape', shape: [64, 7, 7] },
      { type: 'convTranspose2d', out: 32, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
      { type: 'relu' },
      { type: 'convTranspose2d', out: 1, kernel: 3, stride: 2, padding: 1, outputPadding: 1 },
      { type: 'sigmoid' },
    ],
    loss: { reconstruction: 'mse' },
  }),
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
