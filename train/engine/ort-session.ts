import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Device } from './engine.ts';

/** The CUDA provider library onnxruntime-node loads; its install script fetches it, .npmrc skips that here. */
const CUDA_PROVIDER = 'libonnxruntime_providers_cuda.so';
export const CUDA_INSTALL_STEP = 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js';

export interface SessionSettings {
  device: Device;
  /** Default: all cores. */
  threads?: number;
  /** Writes an onnxruntime per-op profile (JSON) with this file prefix. */
  profilePrefix?: string;
  /**
   * Let idle pool threads spin for work (onnxruntime's default). Off by default: on a shared machine
   * spinning threads burn the cores other processes need; measured here under load it cost 2-5x in wall
   * time (docs/benchmarks.md). On a dedicated machine spinning saves a little latency per op.
   */
  spin?: boolean;
}

function bindingDirectory(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why `device` cannot run here, or undefined when it can be tried. */
export function deviceProblem(device: Device): string | undefined {
  if (device === 'cpu') return undefined;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `--device cuda: onnxruntime-node ships CUDA support for linux/x64 only, not ${process.platform}/${process.arch}`;
  }
  if (!existsSync(join(bindingDirectory(), CUDA_PROVIDER))) {
    return (
      `--device cuda: onnxruntime-node's CUDA provider (${CUDA_PROVIDER}) is not installed; this project skips it at ` +
      `install (.npmrc onnxruntime-node-install=skip). Install it (needs CUDA 12 and cuDNN 9) with:\n  ${CUDA_INSTALL_STEP}`
    );
  }
  return undefined;
}

export function sessionOptions(settings: SessionSettings): ort.InferenceSession.SessionOptions {
  const threads = settings.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  return {
    executionProviders: [settings.device],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: { session: { intra_op: { allow_spinning: settings.spin ? '1' : '0' }, inter_op: { allow_spinning: settings.spin ? '1' : '0' } } },
    ...(settings.profilePrefix ? { enableProfiling: true, profileFilePrefix: settings.profilePrefix } : {}),
  };
}

/** A session on `device`, or an error that says what to install when the device's provider is missing. */
export async function createSession(bytes: Uint8Array, settings: SessionSettings): Promise<ort.InferenceSession> {
  const problem = deviceProblem(settings.device);
  if (problem) throw new Error(problem);
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions(settings));
  } catch (error) {
    if (settings.device === 'cuda') {
      throw new Error(`--device cuda: onnxruntime could not start its CUDA provider (${(error as Error).message}). ` +
        `Check the CUDA 12 / cuDNN 9 libraries are on the loader path, or reinstall the provider with:\n  ${CUDA_INSTALL_STEP}`);
    }
    throw error;
  }
}
