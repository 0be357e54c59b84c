import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { LoadedModel } from './model-loader.ts';
import { once } from './once.ts';

/**
 * The slice of onnxruntime's API the core needs. onnxruntime-node and onnxruntime-web both satisfy it,
 * so each runtime passes its own flavour in (`import * as ort from 'onnxruntime-node'`).
 */
export interface InferenceBackend {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

export interface RuntimeOptions {
  sessionOptions?: InferenceSession.SessionOptions;
  /** Largest batch sent to one run; bigger requests are split. */
  maxBatch?: number;
  /** Runs allowed at once across this model's sessions (default 1, which onnxruntime-web requires). */
  maxConcurrentRuns?: number;
}

/**
 * Bounds how many runs overlap. onnxruntime-web refuses overlapping runs on one session (limit 1); on Node
 * one single-threaded run per core keeps every core busy without oversubscribing them.
 */
class RunLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** One model's encoder and decoder sessions, created on first use and reused for every request after. */
export class ModelRuntime {
  readonly dim: number;
  readonly imageShape: readonly [number, number, number];
  private readonly sessions = {
    encoder: once(() => this.backend.InferenceSession.create(this.model.encoder, this.options.sessionOptions)),
    decoder: once(() => this.backend.InferenceSession.create(this.model.decoder, this.options.sessionOptions)),
  };
  private readonly limiter: RunLimiter;
  private readonly maxBatch: number;

  constructor(
    readonly model: LoadedModel,
    private readonly backend: InferenceBackend,
    private readonly options: RuntimeOptions = {},
  ) {
    const { channels, height, width } = model.manifest.input;
    this.dim = model.manifest.latent.dim;
    this.imageShape = [channels, height, width];
    this.maxBatch = options.maxBatch ?? 64;
    this.limiter = new RunLimiter(options.maxConcurrentRuns ?? 1);
  }

  private session(which: 'encoder' | 'decoder'): Promise<InferenceSession> {
    return this.sessions[which]();
  }

  /** Creates both sessions now instead of on the first request. */
  async warm(): Promise<void> {
    await Promise.all([this.session('encoder'), this.session('decoder')]);
  }

  private async runBatched(which: 'encoder' | 'decoder', items: Float32Array[], itemDims: readonly number[], outSize: number): Promise<Float32Array[]> {
    const session = await this.session(which);
    const itemSize = itemDims.reduce((a, b) => a * b, 1);
    const results: Float32Array[] = [];
    for (let start = 0; start < items.length; start += this.maxBatch) {
      const batch = items.slice(start, start + this.maxBatch);
      const data = new Float32Array(batch.length * itemSize);
      batch.forEach((item, k) => {
        if (item.length !== itemSize) throw new Error(`${which}: item has ${item.length} values, expected ${itemSize}`);
        data.set(item, k * itemSize);
      });
      const feeds = { [session.inputNames[0]]: new this.backend.Tensor('float32', data, [batch.length, ...itemDims]) };
      const output = await this.limiter.run(() => session.run(feeds));
      const tensor = output[session.outputNames[0]];
      const values = tensor.data as Float32Array;
      if (values.length !== batch.length * outSize) {
        throw new Error(`${which} produced ${values.length} values for a batch of ${batch.length}, expected ${outSize} each`);
      }
      for (let k = 0; k < batch.length; k++) results.push(values.slice(k * outSize, (k + 1) * outSize));
      tensor.dispose?.();
    }
    return results;
  }

  /** CHW images in [0,1] -> latents, in one run per `maxBatch` images. */
  encode(images: Float32Array[]): Promise<Float32Array[]> {
    return this.runBatched('encoder', images, this.imageShape, this.dim);
  }

  /** Latents -> CHW images, in one run per `maxBatch` latents. */
  decode(latents: Float32Array[]): Promise<Float32Array[]> {
    const [c, h, w] = this.imageShape;
    return this.runBatched('decoder', latents, [this.dim], c * h * w);
  }
}
