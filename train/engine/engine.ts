import type { ModelSpec } from '../model/spec.ts';
import type { OptimizerConfigInput } from '../optim/config.ts';

/**
 * The contract both training engines implement (onnxruntime in ort.ts, tfjs in tfjs.ts), in the manner
 * of onnxruntime-common: one interface, thin engine modules, chosen by name in create.ts.
 * Images are NCHW float32 in [0, 1], `batch` images per call unless a method says otherwise.
 */
export type EngineName = 'ort' | 'tfjs';
export type Device = 'cpu' | 'cuda';

export interface EngineOptions {
  spec: ModelSpec;
  /** Images per training step; fixed for the engine's life (graphs have static shapes). */
  batch: number;
  /** Seeds parameter init and every random graph input (dropout masks, noise), so a run repeats exactly. */
  seed: number;
  optimizer?: OptimizerConfigInput;
  /** Default 'cpu'. 'cuda' fails with the install step when the engine's CUDA build is not present. */
  device?: Device;
  /** Compute threads; default: all cores. */
  threads?: number;
}

export interface StepResult {
  /** The total loss the gradients are taken of. */
  loss: number;
  /** Its named terms (e.g. reconstruction, kl, sparsity), by graph output name. */
  parts: Record<string, number>;
}

export interface GradientResult extends StepResult {
  /** d loss / d param, by parameter name. */
  gradients: Map<string, Float32Array>;
}

/** Everything needed to continue a run bit-for-bit. */
export interface EngineState {
  /** Optimizer steps taken. */
  step: number;
  params: Map<string, Float32Array>;
  /** Adam first and second moments, by parameter name. */
  moments: { m: Map<string, Float32Array>; v: Map<string, Float32Array> };
  /** State of the generator that draws the random graph inputs (Random.state from edge/core/random.ts). */
  rng: number[];
}

export interface TrainingEngine {
  readonly name: EngineName;
  readonly device: Device;
  readonly batch: number;
  /** Forward, backward and one optimizer update on `batch` images. */
  step(images: Float32Array): Promise<StepResult>;
  /**
   * Loss and gradients at the current parameters, without updating them. Random graph inputs are
   * taken from `randomInputs` when given (by input name), else drawn from the engine's generator.
   */
  gradients(images: Float32Array, randomInputs?: Map<string, Float32Array>): Promise<GradientResult>;
  /** Inference-mode reconstructions of `count` images (any count >= 1). */
  reconstruct(images: Float32Array, count: number): Promise<Float32Array>;
  /** The current parameters, by name (live views: copy before keeping them across steps). */
  params(): Map<string, Float32Array>;
  /** A deep copy of the state, for checkpoints. */
  state(): EngineState;
  /** Restores a state() taken from an engine of the same model; names and sizes must match. */
  load(state: EngineState): void;
  dispose(): Promise<void>;
}
