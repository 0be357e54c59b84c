/**
 * Alternatives for the two costliest parts of a training step, timed as single-thread CPU milliseconds
 * (the fastest of 10 runs; CPU time, unlike wall time, holds up while other jobs load the machine):
 *   npx tsx scripts/bench-conv-grads.ts
 * - the Conv filter gradient: the dilated Conv of train/layers/conv.ts against im2col-by-Conv + MatMul
 *   (batched, or one GEMM) and NHWC taps (Pad, strided Slices, Concat) + one GEMM;
 * - ConvTranspose against the batch-wide MatMul it would need before a col2im, and the same-size Conv.
 * The findings are in train/engine/README.md.
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../train/onnx/graph.ts';

interface ConvShape { name: string; n: number; ci: number; h: number; co: number; k: number; s: number; p: number; ho: number }
const CONVS: ConvShape[] = [
  { name: 'faces conv1', n: 64, ci: 3, h: 64, co: 32, k: 4, s: 2, p: 1, ho: 32 },
  { name: 'faces conv2', n: 64, ci: 32, h: 32, co: 64, k: 4, s: 2, p: 1, ho: 16 },
  { name: 'faces conv3', n: 64, ci: 64, h: 16, co: 128, k: 4, s: 2, p: 1, ho: 8 },
  { name: 'faces conv4', n: 64, ci: 128, h: 8, co: 256, k: 4, s: 2, p: 1, ho: 4 },
  { name: 'digits conv2', n: 64, ci: 32, h: 14, co: 64, k: 3, s: 2, p: 1, ho: 7 },
];
const CONV_TRANSPOSES = [
  { name: 'faces convT 4->8', n: 64, ci: 256, h: 4, co: 128, k: 4 },
  { name: 'faces convT 8->16', n: 64, ci: 128, h: 8, co: 64, k: 4 },
  { name: 'faces convT 16->32', n: 64, ci: 64, h: 16, co: 32, k: 4 },
  { name: 'digits convT 7->14', n: 64, ci: 64, h: 7, co: 32, k: 3 },
];
const NCHW_TO_CNHW = [1, 0, 2, 3];

function filterGraph(l: ConvShape, emit: (g: GraphBuilder) => string): Uint8Array {
  const g = new GraphBuilder('filter_grad');
  g.input('x', 'float32', [l.n, l.ci, l.h, l.h]);
  g.input('dy', 'float32', [l.n, l.co, l.ho, l.ho]);
  g.output(g.rename(emit(g), 'dw'), 'float32', [l.co, l.ci, l.k, l.k]);
  return g.serialize();
}

const dilatedConv = (l: ConvShape) => (g: GraphBuilder) => {
  const endPad = l.k + l.s * (l.ho - 1) - l.h - l.p;
  let corr = g.op('Conv', [g.op('Transpose', ['x'], { perm: NCHW_TO_CNHW }), g.op('Transpose', ['dy'], { perm: NCHW_TO_CNHW })], {
    dilations: [l.s, l.s],
    pads: [l.p, l.p, Math.max(0, endPad), Math.max(0, endPad)],
  });
  if (endPad < 0) corr = g.op('Slice', [corr, g.ints([0, 0]), g.ints([l.k, l.k]), g.ints([2, 3])]);
  return g.op('Transpose', [corr], { perm: NCHW_TO_CNHW });
};

/** Patches [N, Ci·k·k, L] by a Conv with one-hot kernels. */
function im2colByConv(g: GraphBuilder, l: ConvShape): string {
  const taps = l.k * l.k;
  const eye = new Float32Array(taps * taps);
  for (let i = 0; i < taps; i++) eye[i * taps + i] = 1;
  const kernel = g.initializer('one_hot_taps', 'float32', [taps, 1, l.k, l.k], eye);
  const cols = g.op('Conv', [g.op('Reshape', ['x', g.ints([l.n * l.ci, 1, l.h, l.h])]), kernel], { strides: [l.s, l.s], pads: [l.p, l.p, l.p, l.p] });
  return g.op('Reshape', [cols, g.ints([l.n, l.ci * taps, l.ho * l.ho])]);
}

const im2colBatched = (l: ConvShape) => (g: GraphBuilder) => {
  const cols = im2colByConv(g, l);
  const perImage = g.op('MatMul', [g.op('Reshape', ['dy', g.ints([l.n, l.co, l.ho * l.ho])]), g.op('Transpose', [cols], { perm: [0, 2, 1] })]);
  return g.op('Reshape', [g.op('ReduceSum', [perImage, g.ints([0])], { keepdims: 0 }), g.ints([l.co, l.ci, l.k, l.k])]);
};

const dyAsRows = (g: GraphBuilder, l: ConvShape) => g.op('Reshape', [g.op('Transpose', ['dy'], { perm: NCHW_TO_CNHW }), g.ints([l.co, l.n * l.ho * l.ho])]);

const im2colOneGemm = (l: ConvShape) => (g: GraphBuilder) => {
  const cols = g.op('Reshape', [g.op('Transpose', [im2colByConv(g, l)], { perm: [0, 2, 1] }), g.ints([l.n * l.ho * l.ho, l.ci * l.k * l.k])]);
  return g.op('Reshape', [g.op('MatMul', [dyAsRows(g, l), cols]), g.ints([l.co, l.ci, l.k, l.k])]);
};

const nhwcTaps = (l: ConvShape) => (g: GraphBuilder) => {
  const padded = g.op('Pad', [g.op('Transpose', ['x'], { perm: [0, 2, 3, 1] }), g.ints([0, l.p, l.p, 0, 0, l.p, l.p, 0])]);
  const last = l.s * (l.ho - 1) + 1;
  const taps: string[] = [];
  for (let i = 0; i < l.k; i++) {
    for (let j = 0; j < l.k; j++) taps.push(g.op('Slice', [padded, g.ints([i, j]), g.ints([i + last, j + last]), g.ints([1, 2]), g.ints([l.s, l.s])]));
  }
  const cols = g.op('Reshape', [g.op('Concat', taps, { axis: 3 }), g.ints([l.n * l.ho * l.ho, l.k * l.k * l.ci])]);
  const w = g.op('Reshape', [g.op('MatMul', [dyAsRows(g, l), cols]), g.ints([l.co, l.k, l.k, l.ci])]);
  return g.op('Transpose', [w], { perm: [0, 3, 1, 2] });
};

const OPTIONS: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 1 };
const wave = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.77));
const tensor = (shape: number[]) => new ort.Tensor('float32', wave(shape.reduce((a, b) => a * b, 1)), shape);

/** Fastest CPU time of each variant over rounds that interleave the variants. */
async function race(variants: [string, Uint8Array, Record<string, ort.Tensor>][]): Promise<string> {
  const sessions = await Promise.all(variants.map(async ([name, bytes, feeds]) => ({ name, feeds, session: await ort.InferenceSession.create(bytes, OPTIONS) })));
  const best = new Map<string, number>();
  for (let round = 0; round < 10; round++) {
    for (const { name, feeds, session } of sessions) {
      const start = process.cpuUsage();
      await session.run(feeds);
      const used = process.cpuUsage(start);
      best.set(name, Math.min(best.get(name) ?? Infinity, (used.user + used.system) / 1000));
    }
  }
  await Promise.all(sessions.map(({ session }) => session.release()));
  return [...best].map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join('  ');
}

console.log('filter gradient, CPU ms (forward = the layer\'s own Conv for scale)');
for (const l of CONVS) {
  const x = tensor([l.n, l.ci, l.h, l.h]);
  const dy = tensor([l.n, l.co, l.ho, l.ho]);
  const forward = new GraphBuilder('forward');
  forward.input('x', 'float32', [l.n, l.ci, l.h, l.h]);
  forward.input('w', 'float32', [l.co, l.ci, l.k, l.k]);
  forward.output(forward.op('Conv', ['x', 'w'], { strides: [l.s, l.s], pads: [l.p, l.p, l.p, l.p] }, 'y'), 'float32', [l.n, l.co, l.ho, l.ho]);
  const line = await race([
    ['forward', forward.serialize(), { x, w: tensor([l.co, l.ci, l.k, l.k]) }],
    ['dilated-conv', filterGraph(l, dilatedConv(l)), { x, dy }],
    ['im2col-batched', filterGraph(l, im2colBatched(l)), { x, dy }],
    ['im2col-gemm', filterGraph(l, im2colOneGemm(l)), { x, dy }],
    ['nhwc-taps', filterGraph(l, nhwcTaps(l)), { x, dy }],
  ]);
  console.log(`  ${l.name.padEnd(20)} ${line}`);
}

console.log('ConvTranspose (stride 2), CPU ms');
for (const c of CONV_TRANSPOSES) {
  const outputPadding = c.k === 4 ? 0 : 1;
  const w = tensor([c.ci, c.co, c.k, c.k]);
  const convTranspose = new GraphBuilder('conv_transpose');
  convTranspose.input('x', 'float32', [c.n, c.ci, c.h, c.h]);
  convTranspose.input('w', 'float32', [c.ci, c.co, c.k, c.k]);
  convTranspose.output(convTranspose.op('ConvTranspose', ['x', 'w'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [outputPadding, outputPadding] }, 'y'), 'float32', [c.n, c.co, 2 * c.h, 2 * c.h]);
  const matmul = new GraphBuilder('matmul_part');
  matmul.input('x', 'float32', [c.n, c.ci, c.h, c.h]);
  matmul.input('w', 'float32', [c.ci, c.co, c.k, c.k]);
  const columns = matmul.op('Reshape', [matmul.op('Transpose', ['x'], { perm: NCHW_TO_CNHW }), matmul.ints([c.ci, c.n * c.h * c.h])]);
  const weights = matmul.op('Transpose', [matmul.op('Reshape', ['w', matmul.ints([c.ci, c.co * c.k * c.k])])], { perm: [1, 0] });
  matmul.output(matmul.op('MatMul', [weights, columns], {}, 'y'), 'float32', [c.co * c.k * c.k, c.n * c.h * c.h]);
  const adjoint = new GraphBuilder('adjoint_conv');
  adjoint.input('y', 'float32', [c.n, c.co, 2 * c.h, 2 * c.h]);
  adjoint.input('w', 'float32', [c.ci, c.co, c.k, c.k]);
  const endPad = outputPadding ? 0 : 1;
  adjoint.output(adjoint.op('Conv', ['y', 'w'], { strides: [2, 2], pads: [1, 1, endPad, endPad] }, 'x'), 'float32', [c.n, c.ci, c.h, c.h]);
  const x = tensor([c.n, c.ci, c.h, c.h]);
  const line = await race([
    ['conv-transpose', convTranspose.serialize(), { x, w }],
    ['matmul-before-col2im', matmul.serialize(), { x, w }],
    ['same-size-conv', adjoint.serialize(), { y: tensor([c.n, c.co, 2 * c.h, 2 * c.h]), w }],
  ]);
  console.log(`  ${c.name.padEnd(20)} ${line}`);
}
