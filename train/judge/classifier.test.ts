import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Random } from '#core/random.ts';
import { buildClassifierInferenceGraph, buildClassifierTrainingGraph, type ClassifierSpec } from './classifier-graph.ts';
import { predict, trainClassifier } from './classifier.ts';

const spec = (head: ClassifierSpec['head']): ClassifierSpec => ({
  name: `tiny-${head}`,
  input: [1, 4, 4],
  layers: [{ type: 'conv2d', out: 2, kernel: 3, stride: 2, padding: 1 }, { type: 'tanh' }, { type: 'flatten' }, { type: 'linear', out: 3 }],
  head,
});

function fill(n: number, random: Random, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * random.normal());
}

describe('classifier training graph', () => {
  for (const head of ['sigmoid', 'softmax'] as const) {
    it(`gives the finite-difference gradient of its ${head} loss`, async () => {
      const s = spec(head);
      const graph = buildClassifierTrainingGraph(s, 2);
      const session = await ort.InferenceSession.create(graph.bytes);
      const random = Random.fromSeed(3);
      const params = new Map(graph.params.map((p) => [p.name, fill(p.shape.reduce((a, b) => a * b, 1), random, 0.5)]));
      const image = fill(2 * 16, random);
      const labels = head === 'softmax' ? Float32Array.of(0, 1, 0, 1, 0, 0) : Float32Array.of(1, 0, 1, 0, 0, 1);
      const run = async () => {
        const feeds: Record<string, ort.Tensor> = { image: new ort.Tensor('float32', image, [2, 1, 4, 4]), labels: new ort.Tensor('float32', labels, [2, 3]) };
        for (const p of graph.params) feeds[p.name] = new ort.Tensor('float32', params.get(p.name)!, p.shape);
        return session.run(feeds);
      };
      const base = await run();
      for (const [k, p] of graph.params.entries()) {
        const values = params.get(p.name)!;
        const analytic = base[graph.gradients[k]].data as Float32Array;
        for (const i of [0, values.length - 1]) {
          const keep = values[i];
          values[i] = keep + 1e-2;
          const up = ((await run()).loss.data as Float32Array)[0];
          values[i] = keep - 1e-2;
          const down = ((await run()).loss.data as Float32Array)[0];
          values[i] = keep;
          expect(analytic[i]).toBeCloseTo((up - down) / 2e-2, 3);
        }
      }
      await session.release();
    });
  }
});

describe('trainClassifier', () => {
  // Three classes told apart by which third of the image is bright.
  const random = Random.fromSeed(5);
  const count = 48;
  const images = new Float32Array(count * 16);
  const targets = new Float32Array(count * 3);
  for (let n = 0; n < count; n++) {
    const c = n % 3;
    for (let p = 0; p < 16; p++) images[n * 16 + p] = 0.1 * random.normal() + (Math.floor(p / 6) === c ? 1 : 0);
    targets[n * 3 + c] = 1;
  }
  const data = { images, targets, count };

  it('learns a separable problem and exports the same decisions as judge.onnx', async () => {
    const trained = await trainClassifier(spec('softmax'), data, { batch: 16, steps: 150, seed: 1, lr: 0.05 });
    expect(trained.losses.at(-1)!).toBeLessThan(trained.losses[0] / 5);
    const probabilities = await predict(trained, images, count);
    let correct = 0;
    for (let n = 0; n < count; n++) {
      const row = Array.from(probabilities.subarray(n * 3, n * 3 + 3));
      if (row.indexOf(Math.max(...row)) === n % 3) correct++;
    }
    expect(correct / count).toBeGreaterThan(0.95);
    const session = await ort.InferenceSession.create(buildClassifierInferenceGraph(trained.spec, trained.params));
    expect(session.outputNames).toEqual(['probabilities']);
    await session.release();
  });

  it('keeps frozen parameters at their starting values', async () => {
    const first = await trainClassifier(spec('sigmoid'), data, { batch: 16, steps: 3, seed: 1, lr: 0.05 });
    const initial = new Map([...first.params].filter(([name]) => name.includes('conv2d')));
    const tuned = await trainClassifier(spec('sigmoid'), data, { batch: 16, steps: 20, seed: 1, lr: 0.05, initial, frozen: (name) => initial.has(name) });
    for (const [name, values] of initial) expect(tuned.params.get(name)).toEqual(values);
    expect(tuned.params.get('encoder.3.linear.weight')).not.toEqual(first.params.get('encoder.3.linear.weight'));
  });
});
