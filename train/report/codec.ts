import * as ort from 'onnxruntime-node';
import type { Device } from '../engine/engine.ts';
import { createSession } from '../engine/ort-session.ts';

const CHUNK = 256;

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
    const out = new Float32Array(count * this.dim);
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      const image = new ort.Tensor('float32', images.subarray(start * this.pixels, (start + n) * this.pixels), [n, ...this.shape]);
      const { latent } = await this.encoder.run({ image });
      if (latent.size !== n * this.dim) throw new Error(`encoder.onnx returns ${latent.size / n} values per image, latent.dim is ${this.dim}`);
      out.set(latent.data as Float32Array, start * this.dim);
    }
    return out;
  }

  async decode(codes: Float32Array, count: number): Promise<Float32Array> {
    const out = new Float32Array(count * this.pixels);
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      const latent = new ort.Tensor('float32', codes.subarray(start * this.dim, (start + n) * this.dim), [n, this.dim]);
      const { image } = await this.decoder.run({ latent });
      out.set(image.data as Float32Array, start * this.pixels);
    }
    return out;
  }

  async reconstruct(images: Float32Array, count: number): Promise<Float32Array> {
    return this.decode(await this.encode(images, count), count);
  }

  async close(): Promise<void> {
    await this.encoder.release();
    await this.decoder.release();
  }
}
