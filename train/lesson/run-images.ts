import type { InferenceSession } from 'onnxruntime-common';
import { size, type OrtApi } from '../engine/step-loop.ts';

const CHUNK = 256;

/**
 * Runs a graph with one batch-first input and one output over every row of `inputs` (each of `rowShape`), CHUNK rows
 * at a time, and returns the outputs back to back. The session lives for this call only.
 */
export async function runRows(ort: OrtApi, bytes: Uint8Array, inputs: Float32Array, rowShape: readonly number[], options?: InferenceSession.SessionOptions): Promise<Float32Array> {
  const width = size(rowShape);
  const count = inputs.length / width;
  if (!Number.isInteger(count)) throw new Error(`runRows: ${inputs.length} values are not rows of [${rowShape}]`);
  const session = await ort.InferenceSession.create(bytes, options);
  try {
    const [input] = session.inputNames;
    const [output] = session.outputNames;
    const parts: Float32Array[] = [];
    for (let start = 0; start < count; start += CHUNK) {
      const rows = Math.min(CHUNK, count - start);
      const feed = new ort.Tensor('float32', inputs.subarray(start * width, (start + rows) * width), [rows, ...rowShape]);
      const result = (await session.run({ [input]: feed }))[output];
      parts.push(Float32Array.from(result.data as Float32Array));
      result.dispose();
    }
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
    return out;
  } finally {
    await session.release();
  }
}
