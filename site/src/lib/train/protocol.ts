/** Messages between the Train page and its worker (train-worker.ts). Arrays travel as transferable buffers. */

export type TrainRequest =
  | { type: 'start'; model: string; seed: number; assetBase: string; prefer?: 'wasm' | 'webgpu'; maxSteps?: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'export'; id: string }
  | { type: 'open'; zip: Uint8Array; assetBase: string; prefer?: 'wasm' | 'webgpu' };

export interface Evaluation {
  step: number;
  seconds: number;
  validationMse: number;
  /** Reconstructions of the page's sample digits, back to back (28×28 each, 0..1). */
  reconstructions: Float32Array;
}

export type TrainEvent =
  | { type: 'status'; text: string }
  | {
      type: 'ready';
      backend: string;
      pcaValidationMse: number;
      trainImages: number;
      validationImages: number;
      /** The sample digits the reconstructions show, from the validation split. */
      samples: Float32Array;
      /** Steps per epoch; 0 for PCA, which has none. */
      stepsPerEpoch: number;
    }
  | { type: 'progress'; step: number; epoch: number; seconds: number; imagesPerSecond: number; losses: Record<string, number>[] }
  | ({ type: 'evaluation' } & Evaluation)
  | { type: 'finished'; reason: string }
  | { type: 'exported'; fileName: string; zip: Uint8Array; files: string[] }
  | { type: 'opened'; id: string; title: string; dim: number; validationMse: number; samples: Float32Array; reconstructions: Float32Array }
  | { type: 'error'; message: string; about?: 'open' };

export const SAMPLE_DIGITS = 12;
