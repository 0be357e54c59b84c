import { InputError } from '#core/errors.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { decodeUpload, type ImageDecoders } from '#core/image/upload.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import { sniffImageFormat, type ImageFormat, type ImageLimits } from '#core/image/sniff.ts';
import { parseLatent } from '#core/latent.ts';
import type { ModelRegistry } from '#core/registry.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { ModelUnavailableError } from '../middleware/errors.ts';
import type { OperationInput } from './inputs.ts';

export async function requireModel(registry: ModelRegistry, id: string): Promise<ModelRuntime> {
  let runtime: ModelRuntime | undefined;
  try {
    runtime = await registry.get(id);
  } catch (error) {
    throw new ModelUnavailableError(id, error);
  }
  if (!runtime) {
    const available = await registry.list();
    throw new InputError(404, 'unknown_model', `no model "${id}"; available: ${available.join(', ') || '(none)'}`, { available });
  }
  return runtime;
}

/** Turns one decoded upload into the encoder's input; the default is the manifest's crop and resize (see routes/alignment.ts for faces). */
export type PrepareImage = (image: RgbaImage, name: string, format: ImageFormat, bytes: Uint8Array) => Promise<Float32Array>;

/** The code of each named input: latents are checked, uploads decoded, prepared and encoded together in one batched run. */
export async function encodeInputs(
  runtime: ModelRuntime,
  inputs: Record<string, OperationInput>,
  names: readonly string[],
  reading: { limits: ImageLimits; decoders: ImageDecoders },
  prepare?: PrepareImage,
) {
  const { input, latent } = runtime.model.manifest;
  const latents: Record<string, Float32Array> = {};
  const pending: { name: string; pixels: Float32Array }[] = [];
  for (const name of names) {
    const item = inputs[name];
    if (item.kind === 'latent') latents[name] = parseLatent(item.value, latent.dim, name);
    else {
      try {
        const image = await decodeUpload(item.bytes, reading.limits, reading.decoders);
        const format = sniffImageFormat(item.bytes)!;
        pending.push({ name, pixels: prepare ? await prepare(image, name, format, item.bytes) : preprocessImage(image, input) });
      } catch (error) {
        if (error instanceof InputError) throw new InputError(error.status, error.code, `${name}: ${error.message}`, error.details);
        throw error;
      }
    }
  }
  if (pending.length) {
    const encoded = await runtime.encode(pending.map((p) => p.pixels));
    pending.forEach((p, k) => (latents[p.name] = encoded[k]));
  }
  return names.map((name) => latents[name]);
}
