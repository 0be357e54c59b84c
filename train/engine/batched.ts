import * as ort from 'onnxruntime-node';

export interface BatchedOptions {
  /** Items per run (default 256): bounds the activations one run holds. */
  chunk?: number;
  /** Input and output names; default: the session's first of each. */
  input?: string;
  output?: string;
  /** Values per output item, when the caller knows it: checked against every run. */
  outSize?: number;
}

/**
 * The one batched-inference loop of the trainer: `count` items of `itemShape` (back to back in `items`)
 * through `session` in runs of at most `chunk`, outputs back to back in one array.
 */
export async function runBatched(session: ort.InferenceSession, items: Float32Array, count: number, itemShape: readonly number[], options: BatchedOptions = {}): Promise<Float32Array> {
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(count) || count < 0) throw new Error(`batched run: count must be a non-negative integer, got ${count}`);
  if (items.length !== count * itemSize) throw new Error(`batched run: ${count} items of [${itemShape}] need ${count * itemSize} values, got ${items.length}`);
  const chunk = options.chunk ?? 256;
  const input = options.input ?? session.inputNames[0];
  const output = options.output ?? session.outputNames[0];
  let out = options.outSize === undefined ? undefined : new Float32Array(count * options.outSize);
  let outSize = options.outSize;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const feed = new ort.Tensor('float32', items.subarray(start * itemSize, (start + n) * itemSize), [n, ...itemShape]);
    const result = (await session.run({ [input]: feed }))[output];
    outSize ??= result.size / n;
    out ??= new Float32Array(count * outSize);
    if (result.size !== n * outSize) throw new Error(`${output} has ${result.size / n} values per item, expected ${outSize}`);
    out.set(result.data as Float32Array, start * outSize);
  }
  return out ?? new Float32Array(0);
}
