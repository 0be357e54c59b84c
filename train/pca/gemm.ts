import type { InferenceSession } from 'onnxruntime-common';
import type { OrtApi } from '../engine/step-loop.ts';
import { GraphBuilder } from '../onnx/graph.ts';

/**
 * Large float32 matrix products on onnxruntime (tens of GFLOP/s here, against ~1 for a JS loop). The PCA of
 * 9k face images needs several 9k×12k by 12k×160 products; ml-matrix does the small dense factorizations.
 */
export class MatrixProducts {
  private constructor(
    private readonly ort: OrtApi,
    private readonly plain: InferenceSession,
    private readonly transposed: InferenceSession,
  ) {}

  /** On onnxruntime-node in the trainer, onnxruntime-web in a browser tab. */
  static async create(ort: OrtApi): Promise<MatrixProducts> {
    const session = (transA: number) => {
      const graph = new GraphBuilder(transA ? 'gemm_at_b' : 'gemm_a_b');
      const a = graph.input('a', 'float32', transA ? ['k', 'm'] : ['m', 'k']);
      const b = graph.input('b', 'float32', ['k', 'n']);
      graph.output(graph.op('Gemm', [a, b], { transA }, 'c'), 'float32', ['m', 'n']);
      return ort.InferenceSession.create(graph.serialize());
    };
    return new MatrixProducts(ort, await session(0), await session(1));
  }

  /** Row-major A·B, or Aᵀ·B when `transposeA` (A is then stored rows×cols and used as cols×rows). */
  async multiply(a: Float32Array, rows: number, cols: number, b: Float32Array, bCols: number, transposeA = false): Promise<Float32Array> {
    const inner = transposeA ? rows : cols;
    if (a.length !== rows * cols) throw new Error(`matrix product: A has ${a.length} values, not ${rows}×${cols}`);
    if (b.length !== inner * bCols) throw new Error(`matrix product: B has ${b.length} values, not ${inner}×${bCols}`);
    const session = transposeA ? this.transposed : this.plain;
    const result = await session.run({
      a: new this.ort.Tensor('float32', a, [rows, cols]),
      b: new this.ort.Tensor('float32', b, [inner, bCols]),
    });
    return result.c.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.plain.release();
    await this.transposed.release();
  }
}
