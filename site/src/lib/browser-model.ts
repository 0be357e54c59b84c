import { oncePerKey } from '#core/once.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { tensorToRgba } from '#core/image/encode.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import type { CropRule, Manifest, AttributesFile } from '#core/manifest.ts';
import { ModelRuntime, type InferenceBackend } from '#core/runtime.ts';
import { fetchModel, type LoadProgress } from './model-files.ts';
import { loadOrt, type ExecutionProvider } from './ort-loader.ts';

export interface OpenModelOptions {
  /** Root of the built site (where `ort/` and `models/` live). */
  assetBase: URL;
  onProgress?: (progress: LoadProgress) => void;
  prefer?: ExecutionProvider;
}

/** A shipped model running in this browser: the core's runtime plus pixel conversions for canvases. */
export class BrowserModel {
  constructor(
    readonly runtime: ModelRuntime,
    readonly executionProviders: ExecutionProvider[],
    /** The onnxruntime-web module the model runs on, for other networks of the page (face alignment). */
    readonly backend: InferenceBackend,
  ) {}

  get manifest(): Manifest {
    return this.runtime.model.manifest;
  }

  get attributes(): AttributesFile['attributes'] {
    return this.runtime.model.attributes.attributes;
  }

  /** Pixels -> latent, framing the image with `crop` (a user's crop box) instead of the manifest's rule when given. */
  async encode(image: RgbaImage, crop?: CropRule): Promise<Float32Array> {
    const input = crop ? { ...this.manifest.input, preprocess: { ...this.manifest.input.preprocess, crop } } : this.manifest.input;
    const [latent] = await this.runtime.encode([preprocessImage(image, input)]);
    return latent;
  }

  /** The decoder's raw outputs (CHW, 0..1): what detail transfer (edge/core/photo) takes. */
  decodeOutputs(latents: Float32Array[]): Promise<Float32Array[]> {
    return this.runtime.decode(latents);
  }

  async decode(latents: Float32Array[]): Promise<RgbaImage[]> {
    return (await this.decodeOutputs(latents)).map((t) => this.toImage(t));
  }

  /** One decoder output as pixels at the model's size. */
  toImage(decoded: Float32Array): RgbaImage {
    const { channels, height, width } = this.manifest.input;
    return tensorToRgba(decoded, channels, height, width);
  }

  get imageShape(): readonly [number, number, number] {
    return this.runtime.imageShape;
  }
}

const opened = oncePerKey<string, BrowserModel>();

/** Loads onnxruntime-web and one model once per page; later callers share the same sessions. */
export function openModel(id: string, options: OpenModelOptions): Promise<BrowserModel> {
  const key = `${options.assetBase.href}|${id}|${options.prefer ?? 'auto'}`;
  return opened(key, async () => {
    const ortBase = new URL('ort/', options.assetBase);
    const start = async (prefer?: ExecutionProvider) => {
      const { ort, executionProviders } = await loadOrt(ortBase, { prefer });
      const runtime = new ModelRuntime(await model, ort, { sessionOptions: { executionProviders, graphOptimizationLevel: 'all' } });
      await runtime.warm();
      return new BrowserModel(runtime, executionProviders, ort);
    };
    const model = fetchModel(new URL(`models/${encodeURIComponent(id)}/`, options.assetBase), options.onProgress);
    try {
      return await start(options.prefer);
    } catch (error) {
      // A WebGPU adapter that fails to create a session (or a host without the WebGPU build) still has wasm.
      if (options.prefer === 'wasm' || (await model.then(() => false, () => true))) throw error;
      return start('wasm');
    }
  });
}

/** Paints an image at its own resolution; CSS scales the canvas for display. */
export function paint(canvas: HTMLCanvasElement, image: RgbaImage): void {
  if (canvas.width !== image.width || canvas.height !== image.height) {
    canvas.width = image.width;
    canvas.height = image.height;
  }
  const context = canvas.getContext('2d');
  if (!context) return;
  const pixels = new ImageData(new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
  context.putImageData(pixels, 0, 0);
}
