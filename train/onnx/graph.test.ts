import { describe, expect, it } from 'vitest';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { GraphBuilder, float } from './graph.ts';
import { checkModel } from './check.ts';

ortWeb.env.wasm.numThreads = 1;

function affineSigmoid(): Uint8Array {
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float32', ['N', 3]);
  const w = g.initializer('w', 'float32', [3, 2], Float32Array.of(1, 0, 0, 1, 1, 1));
  const b = g.initializer('b', 'float32', [2], Float32Array.of(0.5, -0.5));
  const y = g.op('Gemm', [x, w, b], { alpha: float(2) });
  g.output(g.op('Sigmoid', [y], {}, 'y'), 'float32', ['N', 2]);
  return g.serialize();
}

const expected = (x: number[]) => {
  const z = [2 * (x[0] + x[2]) + 0.5, 2 * (x[1] + x[2]) - 0.5];
  return z.map((v) => 1 / (1 + Math.exp(-v)));
};

describe('GraphBuilder', () => {
  it('writes a model that passes the checker and runs the same in onnxruntime-node and -web', async () => {
    const bytes = affineSigmoid();
    expect(checkModel(bytes)).toEqual([]);
    const input = Float32Array.of(0.1, 0.2, 0.3, -1, 2, 0.5);
    for (const ort of [ortNode, ortWeb] as const) {
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({ x: new ort.Tensor('float32', input, [2, 3]) });
      const y = out.y.data as Float32Array;
      const want = [...expected([0.1, 0.2, 0.3]), ...expected([-1, 2, 0.5])];
      want.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
    }
  });

  it('refuses to use a value before it is defined, or to define one twice', () => {
    const g = new GraphBuilder('bad');
    expect(() => g.op('Relu', ['nope'])).toThrow(/"nope" before it is defined/);
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(/already defined/);
    expect(() => g.initializer('w', 'float32', [2, 2], new Float32Array(3))).toThrow(/3 values/);
    expect(() => g.op('LeakyRelu', ['x'], { alpha: 0.2 })).toThrow(/not an integer/);
  });
});

describe('checkModel', () => {
  it('names the rule a hand-broken model breaks', () => {
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.decode(affineSigmoid());
    const graph = model.graph as onnxProto.onnx.GraphProto;
    (graph.node[1].input as string[])[0] = 'ghost';
    graph.initializer[0].rawData = new Uint8Array(5);
    graph.output.push(onnx.ValueInfoProto.create({ name: 'missing' }));
    const problems = checkModel(onnx.ModelProto.encode(model).finish());
    expect(problems.join('\n')).toMatch(/"ghost" is not defined before use/);
    expect(problems.join('\n')).toMatch(/initializer "w" holds 5 bytes/);
    expect(problems.join('\n')).toMatch(/graph output "missing" is never produced/);
  });
});
