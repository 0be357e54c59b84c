import { describe, expect, it } from 'vitest';
import { buildDecoderGraph } from '../train/graphs/inference.ts';
import { TINY_MODELS } from '../train/graphs/testing.ts';
import { initParams, inferShapes } from '../train/model/shapes.ts';
import { readWeights } from './restore-weights.ts';

const spec = TINY_MODELS.convChain;
const names = inferShapes(spec).decoder.flatMap((l) => l.params.map((p) => p.name));
const params = initParams(spec, 4);

describe('reading weights back out of exported graphs', () => {
  it('recovers float32 weights exactly and float16 ones to half precision', () => {
    const full = readWeights(buildDecoderGraph(spec, params), names);
    expect([...full.keys()].sort()).toEqual([...names].sort());
    for (const name of names) expect(full.get(name)).toEqual(params.get(name));
    const half = readWeights(buildDecoderGraph(spec, params, { weights: 'float16' }), names);
    for (const name of names) half.get(name)!.forEach((v, i) => expect(Math.abs(v - params.get(name)![i])).toBeLessThanOrEqual(1e-3 * Math.abs(params.get(name)![i]) + 1e-7));
  });

  it('dequantises int8 weights so that storing them again writes the same file', () => {
    const int8 = buildDecoderGraph(spec, params, { weights: 'int8' });
    const recovered = readWeights(int8, names);
    expect(recovered.size).toBe(names.length);
    expect(buildDecoderGraph(spec, recovered, { weights: 'int8' })).toEqual(int8);
  });
});
