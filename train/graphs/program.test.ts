import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { addReconstructionLoss, addSparsityPenalty } from '../layers/losses.ts';
import { drawParams, inferLayers } from '../model/shapes.ts';
import { layerSchema } from '../model/spec.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { emitLayers } from './emit.ts';
import { Program } from './program.ts';

const BATCH = 3;

/**
 * A branching toy network no autoencoder walk could handle: the hidden value h fans out to two branches
 * and a penalty, the branches join by addition, and one weight is read by two layers (shared parameter).
 *   x -> linear -> h -> {tanh -> linear(W2), sigmoid -> linear(W2 again)} -> add -> mse against x
 */
function branchingProgram() {
  const g = new GraphBuilder('branching');
  const program = new Program(g);
  const x = g.input('x', 'float32', [BATCH, 4]);
  const first = inferLayers('encoder', [layerSchema.parse({ type: 'linear', out: 5 })], [4]);
  const branch = (kind: 'tanh' | 'sigmoid') => inferLayers('decoder', [{ type: kind }, { type: 'linear', out: 4 }].map((l) => layerSchema.parse(l)), [5]);
  const left = branch('tanh');
  const right = branch('sigmoid');
  const params = [...first[0].params, ...left[1].params];
  for (const p of params) g.input(p.name, 'float32', p.shape);
  // Both branches infer the same names (decoder.1.linear.*), so both linears read one weight and one bias.
  const options = { batch: BATCH, training: true, paramValue: (name: string) => name };
  const h = emitLayers(program, first, x, options);
  addSparsityPenalty(program, h, 0.3, BATCH * 5);
  const a = emitLayers(program, left, h, options);
  const b = emitLayers(program, right, h, options);
  const sum = g.op('Add', [a, b]);
  program.add({ label: 'add', inputs: [a, b], outputs: [sum], params: [], backward: ([d]) => ({ dInputs: [d, d], dParams: [] }) });
  addReconstructionLoss(program, 'mse', sum, x, BATCH * 4);
  g.output(g.op('Sum', program.losses.map((l) => l.value), {}, 'loss'), 'float32', []);
  const grads = program.gradients();
  for (const p of params) g.output(g.rename(grads.get(p.name)!, `${p.name}.grad`), 'float32', p.shape);
  return { bytes: g.serialize(), params, losses: program.losses.map((l) => l.name) };
}

describe('Program reverse sweep', () => {
  it('sums gradients over fan-out, shared parameters and penalty terms (finite differences)', async () => {
    const built = branchingProgram();
    expect(built.losses).toEqual(['loss_sparsity', 'loss_reconstruction']);
    const session = await ort.InferenceSession.create(built.bytes);
    const random = Random.fromSeed(4);
    const values = drawParams(built.params, 2);
    for (const v of values.values()) for (let i = 0; i < v.length; i++) v[i] += 0.2 * random.normal();
    const x = Float32Array.from({ length: BATCH * 4 }, () => random.uniform());
    const run = async (override?: [string, Float32Array]) => {
      const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', x, [BATCH, 4]) };
      for (const p of built.params) feeds[p.name] = new ort.Tensor('float32', override?.[0] === p.name ? override[1] : values.get(p.name)!, p.shape);
      return session.run(feeds);
    };
    const base = await run();
    for (const p of built.params) {
      const analytic = base[`${p.name}.grad`].data as Float32Array;
      const theta = values.get(p.name)!;
      for (const i of [0, Math.floor(theta.length / 2), theta.length - 1]) {
        const shifted = (delta: number) => Float32Array.from(theta, (v, j) => (j === i ? v + delta : v));
        const up = ((await run([p.name, shifted(1e-2)])).loss.data as Float32Array)[0];
        const down = ((await run([p.name, shifted(-1e-2)])).loss.data as Float32Array)[0];
        expect({ name: p.name, i, grad: analytic[i] }).toEqual({ name: p.name, i, grad: expect.closeTo((up - down) / 2e-2, 3) });
      }
    }
    await session.release();
  });

  it('asks no input gradient of a layer whose input holds no parameter, and skips nodes that reach no loss', () => {
    const g = new GraphBuilder('skip');
    const program = new Program(g);
    const x = g.input('x', 'float32', [2, 3]);
    const infos = inferLayers('encoder', [layerSchema.parse({ type: 'linear', out: 2 })], [3]);
    for (const p of infos[0].params) g.input(p.name, 'float32', p.shape);
    const y = emitLayers(program, infos, x, { batch: 2, training: true, paramValue: (n) => n });
    const calls: string[] = [];
    program.add({ label: 'dead end', inputs: [y], outputs: [g.op('Neg', [y])], params: [], backward: () => (calls.push('dead end'), { dInputs: [undefined], dParams: [] }) });
    program.add({ label: 'loss', inputs: [y, x], outputs: [], params: [], losses: [{ name: 'l', value: g.op('ReduceSum', [y], { keepdims: 0 }) }], backward: (_d, need) => (calls.push(`loss ${need}`), { dInputs: [y, undefined], dParams: [] }) });
    expect(program.needsGradient(x)).toBe(false);
    expect(program.needsGradient(y)).toBe(true);
    const grads = program.gradients();
    expect(calls).toEqual(['loss true,false']);
    expect([...grads.keys()]).toEqual(['encoder.0.linear.weight', 'encoder.0.linear.bias']);
  });
});
