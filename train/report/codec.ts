import type * as ort from 'onnxruntime-node';
import { runBatched } from '../engine/batched.ts';
import type { Device } from '../engine/engine.ts';
import { createSession } from '../engine/ort-session.ts';

/**
 * A model as the API will see it: its exported encoder.onnx and decoder.onnx in onnxruntime sessions.
 * Evaluating these bytes (not the training engine) measures exactly what ships.
 */
export class OnnxCodec {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly shape: readonly [number, number, number],
    readonly dim: number,
  ) {}

  static async open(encoder: Uint8Array, decoder: Uint8Array, shape: readonly [number, number, number], dim: number, device: Device = 'cpu'): Promise<OnnxCodec> {
    const enc = await createSession(encoder, { device });
    const dec = await createSession(decoder, { device });
    for (const [session, input, output, file] of [[enc, 'image', 'latent', 'encoder'], [dec, 'latent', 'image', 'decoder']] as const) {
      if (!session.inputNames.includes(input) || !session.outputNames.includes(output)) {
        throw new Error(`${file}.onnx must map "${input}" to "${output}", it has inputs [${session.inputNames}] and outputs [${session.outputNames}]`);
      }
    }
    return new OnnxCodec(enc, dec, shape, dim);
  }

  get pixels(): number {
    return this.shape[0] * this.shape[1] * this.shape[2];
  }

  async encode(images: Float32Array, count: number): Promise<Float32Array> {
    return runBatched(this.encoder, images, count, this.shape, { input: 'image', output: 'latent', outSize: this.dim });
  }

  async decode(codes: Float32Array, count: number): Promise<Float32Array> {
    return runBatched(this.decoder, codes, count, [this.dim], { input: 'latent', output: 'image', outSize: this.pixels });
  }

  async reconstruct(images: Float32Array, count: number): Promise<Float32Array> {
    return this.decode(await this.encode(images, count), count);
  }

  async close(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}
