import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../onnx/graph.ts';
import { runBatched } from './batched.ts';

/** [N, 2] -> [N, 1]: the sum of each row, so a misplaced chunk shows in the output. */
async function rowSums() {
  const g = new GraphBuilder('row-sums');
  const x = g.input('x', 'float32', ['N', 2]);
  g.output(g.op('ReduceSum', [x, g.ints([1])], { keepdims: 1 }, 'y'), 'float32', ['N', 1]);
  return ort.InferenceSession.create(g.serialize());
}

describe('runBatched', () => {
  it('runs every item once, in chunks, outputs in input order', async () => {
    const session = await rowSums();
    const items = Float32Array.from({ length: 14 }, (_, i) => i);
    const out = await runBatched(session, items, 7, [2], { chunk: 3 });
    expect(Array.from(out)).toEqual([1, 5, 9, 13, 17, 21, 25]);
    expect(await runBatched(session, new Float32Array(0), 0, [2])).toHaveLength(0);
    await session.release();
  });

  it('names a wrong input size and a wrong output size', async () => {
    const session = await rowSums();
    await expect(runBatched(session, new Float32Array(5), 3, [2])).rejects.toThrow(/3 items of \[2\] need 6 values, got 5/);
    await expect(runBatched(session, new Float32Array(4), 2, [2], { outSize: 3 })).rejects.toThrow(/y has 1 values per item, expected 3/);
    await session.release();
  });
});
